//! Small user preferences as key/value text (chosen microphone, timings).

use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Sets a preference; `None` removes it.
    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => self.conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(store.setting("mic").unwrap(), None);
        store.set_setting("mic", Some("USB headset")).unwrap();
        store.set_setting("mic", Some("Built-in")).unwrap();
        assert_eq!(store.setting("mic").unwrap().as_deref(), Some("Built-in"));
        store.set_setting("mic", None).unwrap();
        assert_eq!(store.setting("mic").unwrap(), None);
    }
}

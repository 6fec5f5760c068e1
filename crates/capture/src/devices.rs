//! Listing input devices, for the microphone picker and `starling devices`.

use cpal::traits::{DeviceTrait, HostTrait};
use serde::Serialize;
use ts_rs::TS;

/// An input device and its default configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InputDevice {
    /// The name to pass back when choosing this device.
    pub name: String,
    pub is_default: bool,
    /// Default sample rate in Hz (0 when the device would not say).
    pub sample_rate: u32,
    pub channels: u16,
    /// Default sample format, such as `i16` or `f32`.
    pub sample_format: String,
}

/// Every input device of the default host. An empty list means no microphone.
pub fn list_input_devices() -> Vec<InputDevice> {
    let host = cpal::default_host();
    let default_name = host.default_input_device().map(|d| d.to_string());
    let Ok(devices) = host.input_devices() else {
        return Vec::new();
    };
    devices
        .map(|d| {
            let name = d.to_string();
            let config = d.default_input_config().ok();
            InputDevice {
                is_default: default_name.as_deref() == Some(name.as_str()),
                sample_rate: config.as_ref().map(|c| c.sample_rate()).unwrap_or(0),
                channels: config.as_ref().map(|c| c.channels()).unwrap_or(0),
                sample_format: config.map(|c| c.sample_format().to_string()).unwrap_or_else(|| "unknown".into()),
                name,
            }
        })
        .collect()
}

/// Finds the device named `name`, or the default input device.
pub(crate) fn find(name: Option<&str>) -> Result<cpal::Device, crate::CaptureError> {
    let host = cpal::default_host();
    match name {
        None => host.default_input_device().ok_or(crate::CaptureError::NoInputDevice),
        Some(wanted) => host
            .input_devices()
            .map_err(|e| crate::CaptureError::OpenFailed(e.to_string()))?
            .find(|d| d.to_string() == wanted)
            .ok_or_else(|| crate::CaptureError::DeviceNotFound(wanted.to_string())),
    }
}

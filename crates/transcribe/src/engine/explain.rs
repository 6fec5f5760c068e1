//! Words for whisper.cpp's errors: its bare return codes turned into what
//! went wrong, with the code kept for reports.

/// Words for what whisper.cpp's `whisper_full` return codes mean (see
/// `whisper_full_with_state`), with the code kept in parentheses.
pub fn explain_whisper_error(e: &whisper_rs::WhisperError) -> String {
    use whisper_rs::WhisperError as E;
    let words = match e {
        E::GenericError(code) => {
            let what = match code {
                -2 => "the audio could not be turned into a spectrogram",
                -3 => "the spoken language could not be detected",
                -4 => "more decoders (beam size) were asked for than whisper.cpp allows",
                -5 => "the audio context is larger than the model's",
                -6 => "the audio could not be encoded (out of memory, or cancelled)",
                -9..=-7 => "the model failed while decoding (out of memory, or cancelled)",
                _ => "whisper.cpp reported an error",
            };
            return format!("{what} (whisper.cpp error code {code})");
        }
        E::FailedToCreateState => "whisper.cpp could not set up its working memory; close other programs and try again",
        E::InitError => "the model could not be initialised",
        E::NoSamples => "there is no audio to transcribe",
        E::InvalidThreadCount => "the thread count is not valid",
        _ => return format!("whisper.cpp failed: {e}"),
    };
    format!("{words} ({e:?})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whisper_cpp_error_codes_are_explained() {
        assert_eq!(
            explain_whisper_error(&whisper_rs::WhisperError::GenericError(-4)),
            "more decoders (beam size) were asked for than whisper.cpp allows (whisper.cpp error code -4)"
        );
    }
}

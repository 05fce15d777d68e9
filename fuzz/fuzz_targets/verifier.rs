//! Fuzz target: `pol_hostile::check_text` on generated inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pol_hostile::check_text(data));

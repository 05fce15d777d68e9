//! Fuzz target: `pol_hostile::edit_sequence` on generated inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pol_hostile::edit_sequence(data));

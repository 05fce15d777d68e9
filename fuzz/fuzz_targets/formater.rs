//! Fuzz target: `pol_hostile::format_round_trip` on generated inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pol_hostile::format_round_trip(data));

//! Fuzz target: `pol_hostile::evaluate_dossier` on generated inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pol_hostile::evaluate_dossier(data));

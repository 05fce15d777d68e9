//! The standard library: pol sources embedded in the binary, imported as `std.<nom>`.

/// `(file name, source)` of every standard module.
pub const FILES: &[(&str, &str)] = &[("regions.pol", include_str!("../../stdlib/regions.pol"))];

//! HL7 v2.5 order messages (`RDE^O11`, `OMP^O09`) and `AL1` allergy segments.

//! One table per named enum: every code, role and status the rules speak in is an enum whose
//! wire name is written once, beside its variant. The macro derives the rest from that row:
//! the serde name, `as_str`, `parse`, `ALL` (declaration order) and `NAMES`, so no list of
//! variants or names is ever kept by hand (a code missing from `ALL` would escape the case
//! tables and the HTTP schema).

/// Declares a fieldless enum from `Variant = "wire_name"` rows.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$doc:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$doc])* #[serde(rename = $wire)] $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// Every value's name, in [`Self::ALL`]'s order.
            pub const NAMES: &'static [&'static str] = &[$($wire),*];

            /// The stable name (the serialised form).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)* }
            }

            /// The value a name stands for (exact, case-sensitive).
            #[must_use]
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use named_enum;

//! String enums: the values a page enumerates (an execution's `Mode`, a filter's `Status`),
//! as Rust enums that keep any other value in `Unknown`, so a value the service adds later
//! never breaks parsing and round-trips unchanged.

/// Defines a string enum with its wire values, an `Unknown(String)` fallback, conversions,
/// serde and [`ParamValue`](crate::params::ParamValue). Used by the generated code.
#[macro_export]
#[doc(hidden)]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        // Variant names are the service's values, whatever they repeat.
        #[allow(clippy::enum_variant_names)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this client does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in the page's order.
            pub const VALUES: &'static [&'static str] = &[$($wire),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $( $wire => Self::$variant, )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }

        impl $crate::params::ParamValue for $name {
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::string_enum! {
        /// A test enum.
        pub enum Color {
            /// Red.
            Red = "Red",
            /// Light blue.
            LightBlue = "light_blue",
        }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        assert_eq!(Color::from("light_blue"), Color::LightBlue);
        assert_eq!(Color::from("Green"), Color::Unknown("Green".into()));
        let parsed: Vec<Color> = serde_json::from_str(r#"["Red","Green"]"#).unwrap();
        assert_eq!(parsed, [Color::Red, Color::Unknown("Green".into())]);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"["Red","Green"]"#
        );
        assert_eq!(Color::LightBlue.to_string(), "light_blue");
        assert_eq!(Color::VALUES, ["Red", "light_blue"]);
        assert_eq!("Red".parse::<Color>(), Ok(Color::Red));
        use crate::params::ParamValue;
        assert_eq!(Color::Unknown("x y".into()).to_param(), "x y");
    }
}

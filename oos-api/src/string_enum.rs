//! String enums: the values the documentation enumerates (an execution's `Mode`, a filter's
//! `Status`), as Rust enums that keep any other value in `Unknown`, so a value the service
//! adds later never breaks parsing and round-trips unchanged.
//!
//! The generated code writes each enum, its `as_str` and its `From<&str>` in full; this macro
//! adds the conversions and trait impls that read the same for every enum.

/// The conversions, `Display`, serde and [`ParamValue`](crate::params::ParamValue) of a
/// generated string enum that has `as_str`, `From<&str>` and an `Unknown(String)` variant.
#[macro_export]
#[doc(hidden)]
macro_rules! string_enum_impls {
    ($name:ident) => {
        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
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
    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Color {
        Red,
        LightBlue,
        Unknown(String),
    }

    impl Color {
        fn as_str(&self) -> &str {
            match self {
                Self::Red => "Red",
                Self::LightBlue => "light_blue",
                Self::Unknown(v) => v,
            }
        }
    }

    impl From<&str> for Color {
        fn from(value: &str) -> Self {
            match value {
                "Red" => Self::Red,
                "light_blue" => Self::LightBlue,
                other => Self::Unknown(other.to_owned()),
            }
        }
    }

    crate::string_enum_impls!(Color);

    #[test]
    fn known_and_unknown_values_round_trip() {
        assert_eq!(Color::from("light_blue"), Color::LightBlue);
        assert_eq!(
            Color::from("Green".to_owned()),
            Color::Unknown("Green".into())
        );
        let parsed: Vec<Color> = serde_json::from_str(r#"["Red","Green"]"#).unwrap();
        assert_eq!(parsed, [Color::Red, Color::Unknown("Green".into())]);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"["Red","Green"]"#
        );
        assert_eq!(Color::LightBlue.to_string(), "light_blue");
        assert_eq!("Red".parse::<Color>(), Ok(Color::Red));
        use crate::params::ParamValue;
        assert_eq!(Color::Unknown("x y".into()).to_param(), "x y");
    }
}

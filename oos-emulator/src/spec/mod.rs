//! The emulator's table of actions, generated from `spec/oos/` by `cargo xtask codegen`, and
//! the types it is written in.
//!
//! Every request is checked against its action's [`Param`]s before any handler runs, and
//! every answer is built from the action's [`Field`]s, so an action added to the specs is
//! checked and answered without code of its own. The table holds wire names and JSON types
//! only: the emulator shares no type with the client it tests.
//!
//! Handlers read parameters through [`params`], one module per action with a constant per
//! documented request parameter, so a handler that names a parameter its action's spec does
//! not document fails to compile:
//!
//! ```compile_fail
//! let _ = oos_emulator::spec::params::list_executions::TEMPLATE_NAMES;
//! ```
//!
//! and no code outside the generated table can make a [`ParamName`] of its own:
//!
//! ```compile_fail
//! let _ = oos_emulator::spec::ParamName("TemplateNames");
//! ```
//!
//! while the documented ones are there under their wire names:
//!
//! ```
//! use oos_emulator::spec::params::list_executions;
//! assert_eq!(list_executions::TEMPLATE_NAME.as_str(), "TemplateName");
//! ```

pub(crate) mod check;
pub(crate) mod shape;
pub(crate) mod value;

#[rustfmt::skip]
#[path = "../generated/table.rs"]
mod table;

pub use shape::conforms;
pub use table::{params, ParamName, ACTIONS, COMMON_ERRORS};

/// One action: what it takes, what it answers, and its documented answer.
#[derive(Debug)]
pub struct ActionSpec {
    /// The wire name (`ListExecutionLogs`).
    pub name: &'static str,
    /// The request parameters, less the common ones (`Action`, `Version`, signing).
    pub params: &'static [Param],
    /// The fields of the answer.
    pub response: &'static [Field],
    /// The action's own documented errors (the common ones are [`COMMON_ERRORS`]).
    pub errors: &'static [ErrorSpec],
    /// How pages chain, for actions that page.
    pub pagination: Option<Pagination>,
    /// The documented answer (JSON): the reference page's sample where there is one, else the
    /// metadata's demo.
    pub sample: &'static str,
}

impl ActionSpec {
    /// The parameter of this wire name.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.field.name == name)
    }
}

/// A request parameter.
#[derive(Debug)]
pub struct Param {
    /// Its name, type, bounds and example.
    pub field: Field,
    /// How its value is written on the wire.
    pub encoding: Encoding,
    /// The value the service assumes when it is absent.
    pub default: Option<&'static str>,
}

impl Param {
    /// A scalar, `Name=value`.
    pub const fn scalar(field: Field) -> Self {
        Self::new(field, Encoding::Scalar)
    }

    /// A value sent as one JSON string.
    pub const fn json(field: Field) -> Self {
        Self::new(field, Encoding::Json)
    }

    /// A value spread over numbered and named keys.
    pub const fn flat(field: Field) -> Self {
        Self::new(field, Encoding::Flat)
    }

    /// A list joined by `separator`.
    pub const fn joined(field: Field, separator: &'static str) -> Self {
        Self::new(field, Encoding::Joined(separator))
    }

    const fn new(field: Field, encoding: Encoding) -> Self {
        Self {
            field,
            encoding,
            default: None,
        }
    }

    /// The same parameter, with the value the service assumes when it is absent.
    pub const fn default(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }
}

/// A parameter, a field of an answer or of a nested object, or (unnamed) the element of a
/// list or map.
#[derive(Debug)]
pub struct Field {
    /// The wire name; empty for an element.
    pub name: &'static str,
    /// Its JSON type.
    pub kind: Kind,
    /// Requests only: must be present.
    pub required: bool,
    /// Requests only: documented bounds.
    pub limits: Limits,
    /// Requests only: the documented example value, as it is written on the wire.
    pub example: Option<&'static str>,
}

impl Field {
    /// A field: a name and a type, optional, unbounded, without example.
    pub const fn of(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            required: false,
            limits: Limits::NONE,
            example: None,
        }
    }

    /// The same field, required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The same field, with these bounds.
    pub const fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same field, with this example.
    pub const fn example(mut self, example: &'static str) -> Self {
        self.example = Some(example);
        self
    }
}

/// A value's JSON type.
#[derive(Debug)]
pub enum Kind {
    /// A string.
    String,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    Long,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Float,
    /// Any JSON value.
    Json,
    /// A string among these values.
    Enum(&'static [&'static str]),
    /// An array of the element.
    List(&'static Field),
    /// An object whose values are the element, under any key.
    Map(&'static Field),
    /// An object with these fields.
    Object(&'static [Field]),
}

/// Documented bounds on a request value.
#[derive(Debug)]
pub struct Limits {
    /// Smallest number.
    pub minimum: Option<f64>,
    /// Largest number.
    pub maximum: Option<f64>,
    /// `minimum` itself is refused.
    pub exclusive_minimum: bool,
    /// `maximum` itself is refused.
    pub exclusive_maximum: bool,
    /// Fewest elements.
    pub min_items: Option<u64>,
    /// Most elements.
    pub max_items: Option<u64>,
    /// Shortest string, in characters.
    pub min_length: Option<u64>,
    /// Longest string, in characters.
    pub max_length: Option<u64>,
    /// The values allowed, when the documentation enumerates them (empty: any).
    pub allowed: &'static [&'static str],
}

impl Limits {
    /// No bounds.
    pub const NONE: Self = Self {
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        min_items: None,
        max_items: None,
        min_length: None,
        max_length: None,
        allowed: &[],
    };
}

/// How a parameter's value is written on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `Name=value`; booleans `true`/`false`.
    Scalar,
    /// `Name=<compact JSON>`.
    Json,
    /// Spread over `Name.1`, `Name.1.Field`, `Name.Key`…, lists counted from 1.
    Flat,
    /// A list's elements joined by this separator.
    Joined(&'static str),
}

/// How an action's pages chain, in wire names.
#[derive(Debug)]
pub struct Pagination {
    /// The request's token parameter.
    pub input_token: ParamName,
    /// The request's page-size parameter.
    pub page_size: Option<ParamName>,
    /// The answer's token field.
    pub output_token: &'static str,
    /// The fields leading from the answer to the list of items.
    pub items: &'static [&'static str],
}

/// A documented error.
#[derive(Debug)]
pub struct ErrorSpec {
    /// The code (`EntityNotExists.Execution`).
    pub code: &'static str,
    /// The HTTP status.
    pub http_status: u16,
    /// The documented message, placeholders included.
    pub message: &'static str,
}

/// The action of this wire name.
pub fn action(name: &str) -> Option<&'static ActionSpec> {
    ACTIONS
        .binary_search_by(|a| a.name.cmp(name))
        .ok()
        .map(|i| &ACTIONS[i])
}

//! What the list actions share to select and order records.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::data::model::parse_date;

/// Whether `tags` has every pair of `wanted`.
pub(crate) fn has_tags(
    tags: &BTreeMap<String, String>,
    wanted: Option<&BTreeMap<String, String>>,
) -> bool {
    wanted.is_none_or(|wanted| wanted.iter().all(|(k, v)| tags.get(k) == Some(v)))
}

/// Whether `value` equals `wanted`, when there is one.
pub(crate) fn is(value: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|w| value == w)
}

/// Whether `value` contains `wanted`, when there is one.
pub(crate) fn contains(value: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|w| value.contains(w))
}

/// Whether a date lies within the bounds given (both inclusive); a record without a date
/// is outside any bound.
pub(crate) fn within(
    date: &str,
    after: Option<OffsetDateTime>,
    before: Option<OffsetDateTime>,
) -> bool {
    if after.is_none() && before.is_none() {
        return true;
    }
    parse_date(date).is_some_and(|d| after.is_none_or(|a| d >= a) && before.is_none_or(|b| d <= b))
}

/// Compares dates as dates; a missing or malformed one comes first.
pub(crate) fn by_date(a: &str, b: &str) -> Ordering {
    parse_date(a).cmp(&parse_date(b))
}

/// Sorts `items` by `compare`, ties in the order given, then reverses it all when
/// descending: the order is a function of the data, so pages never skip or repeat.
pub(crate) fn sort<T>(items: &mut [T], descending: bool, compare: impl Fn(&T, &T) -> Ordering) {
    items.sort_by(compare);
    if descending {
        items.reverse();
    }
}

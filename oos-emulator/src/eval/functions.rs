//! The `Fn::` functions of OOS templates. Each takes its arguments unevaluated, so that
//! `Fn::If` evaluates only the branch it takes. A map whose one key is not an OOS function
//! (`Fn::GetAtt` and `Ref` of a ROS template a task passes on) is left as data.

use base64::Engine as _;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{as_text, duration, jq, truthy, Context, Failure};

/// `Some` when `name` is an OOS function: its value or why it has none.
pub(super) fn call(c: &Context<'_>, name: &str, args: &Value) -> Option<Result<Value, Failure>> {
    let f: fn(&Context<'_>, &Value) -> Result<Value, Failure> = match name {
        "Fn::Equals" => |c, a| {
            let [x, y] = two(c, a)?;
            Ok(Value::Bool(
                x == y || (!x.is_string() || !y.is_string()) && as_text(&x) == as_text(&y),
            ))
        },
        "Fn::Not" => |c, a| Ok(Value::Bool(!truthy(&one(c, a)?))),
        "Fn::And" => |c, a| Ok(Value::Bool(list(c, a)?.iter().all(truthy))),
        "Fn::Or" => |c, a| Ok(Value::Bool(list(c, a)?.iter().any(truthy))),
        "Fn::If" => |c, a| {
            let items = a
                .as_array()
                .filter(|i| i.len() == 3)
                .ok_or("it takes [condition, value if true, value if false]")?;
            let branch = if truthy(&c.evaluate(&items[0])?) {
                &items[1]
            } else {
                &items[2]
            };
            c.evaluate(branch)
        },
        "Fn::Select" => |c, a| {
            let [key, from] = two(c, a)?;
            // A list or a map may come as its JSON text (a task's output often does): it is
            // selected from as the list or the map.
            let from = match from {
                Value::String(text) => match serde_json::from_str::<Value>(&text) {
                    Ok(parsed @ (Value::Array(_) | Value::Object(_))) => parsed,
                    _ => return Err(format!("cannot select {key} from text {text}").into()),
                },
                other => other,
            };
            Ok(match &from {
                Value::Array(items) => at_index(items, index_of(&key)?),
                Value::Object(map) => map.get(&as_text(&key)).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            })
        },
        "Fn::Join" => |c, a| {
            let [sep, items] = two(c, a)?;
            let items = items_of(items);
            Ok(Value::String(
                items
                    .iter()
                    .map(as_text)
                    .collect::<Vec<_>>()
                    .join(&as_text(&sep)),
            ))
        },
        "Fn::Split" => |c, a| {
            let [sep, text] = two(c, a)?;
            let (sep, text) = (as_text(&sep), as_text(&text));
            if sep.is_empty() {
                return Err("the separator is empty".into());
            }
            Ok(Value::Array(
                text.split(sep.as_str())
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            ))
        },
        "Fn::Jq" => |c, a| {
            let items = list(c, a)?;
            let [mode, filter, input] = <[Value; 3]>::try_from(items)
                .map_err(|_| "it takes [First or All, filter, input]")?;
            // An input given as JSON text is read as the JSON it holds.
            let input = match input {
                Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                other => other,
            };
            // The mode is read before the filter runs: a mode that is neither runs nothing.
            let filter = as_text(&filter);
            match as_text(&mode).as_str() {
                "First" => jq::first(&filter, &input),
                "All" => jq::run(&filter, &input).map(Value::Array),
                other => Err(format!("mode {other} is neither First nor All").into()),
            }
        },
        "Fn::Replace" => |c, a| {
            let [pairs, text] = two(c, a)?;
            let mut text = as_text(&text);
            for (from, to) in pairs
                .as_object()
                .ok_or("the first argument must map text to its replacement")?
            {
                text = text.replace(from.as_str(), &as_text(to));
            }
            Ok(Value::String(text))
        },
        "Fn::Base64Encode" => |c, a| {
            Ok(base64::engine::general_purpose::STANDARD
                .encode(as_text(&one(c, a)?))
                .into())
        },
        "Fn::Base64Decode" => |c, a| {
            let text = as_text(&one(c, a)?);
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|e| format!("not base64: {e}"))?;
            Ok(String::from_utf8_lossy(&bytes).into_owned().into())
        },
        "Fn::MergeList" => |c, a| {
            let lists = items_of(c.evaluate(a)?);
            Ok(Value::Array(lists.into_iter().flat_map(items_of).collect()))
        },
        "Fn::MergeMap" => |c, a| {
            let mut merged = Map::new();
            for map in items_of(c.evaluate(a)?) {
                if let Value::Object(map) = map {
                    merged.extend(map);
                }
            }
            Ok(Value::Object(merged))
        },
        "Fn::MergeMapToList" => |c, a| {
            // [{K1: [a, b]}, {K2: [x]}] → [{K1: a, K2: x}, {K1: b, K2: x}]: a one-item list
            // goes with every row.
            let columns: Vec<(String, Vec<Value>)> = items_of(c.evaluate(a)?)
                .into_iter()
                .filter_map(|m| m.as_object().cloned())
                .flat_map(|m| {
                    m.into_iter()
                        .map(|(k, v)| (k, items_of(v)))
                        .collect::<Vec<_>>()
                })
                .collect();
            let rows = columns.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
            Ok(Value::Array(
                (0..rows)
                    .map(|i| {
                        Value::Object(
                            columns
                                .iter()
                                .map(|(k, v)| {
                                    (
                                        k.clone(),
                                        v.get(i)
                                            .or_else(|| (v.len() == 1).then(|| &v[0]))
                                            .cloned()
                                            .unwrap_or(Value::Null),
                                    )
                                })
                                .collect(),
                        )
                    })
                    .collect(),
            ))
        },
        "Fn::ConvertMapToList" => |c, a| {
            let map = one(c, a)?;
            let map = map.as_object().cloned().unwrap_or_default();
            Ok(Value::Array(
                map.into_iter()
                    .map(|(k, v)| json!({"Key": k, "Value": v}))
                    .collect(),
            ))
        },
        "Fn::CalculateBatch" => |c, a| {
            // The sizes of `batches` batches over the items, the first ones larger.
            let [batches, items] = two(c, a)?;
            let total = items_of(items).len() as u64;
            let batches = index_of(&batches)?.max(1) as u64;
            let (base, extra) = (total / batches, total % batches);
            Ok(Value::Array(
                (0..batches)
                    .map(|i| json!(base + u64::from(i < extra)))
                    .filter(|n| n != &json!(0))
                    .collect(),
            ))
        },
        "Fn::FormatUTCTime" => |c, a| {
            let [when, format] = two(c, a)?;
            let seconds = timestamp(&as_text(&when))?.unix_timestamp();
            jq::first(
                &format!("{seconds} | strftime({})", Value::String(as_text(&format))),
                &Value::Null,
            )
        },
        "Fn::AddHour" => |c, a| {
            let [when, hours] = two(c, a)?;
            let hours = match &hours {
                Value::Number(n) => n.as_f64().unwrap_or(0.0),
                other => as_text(other)
                    .trim()
                    .parse()
                    .map_err(|_| format!("{other} is not a number of hours"))?,
            };
            let at = timestamp(&as_text(&when))? + time::Duration::seconds_f64(hours * 3600.0);
            Ok(at
                .replace_nanosecond(0)
                .unwrap_or(at)
                .format(&Rfc3339)
                .unwrap_or_default()
                .into())
        },
        "Fn::DurationBetween" => |c, a| {
            let [from, to] = two(c, a)?;
            let (from, to) = (moment(&as_text(&from))?, moment(&as_text(&to))?);
            let mut seconds = to - from;
            if seconds < 0 {
                // Times of day: the next one.
                seconds += 86_400;
            }
            Ok(duration::iso(seconds.max(0) as u64).into())
        },
        "Fn::Eval" => |c, a| {
            let expression = as_text(&one(c, a)?);
            jq::first(&expression, &Value::Null)
        },
        "Fn::ContainsSubString" => |c, a| {
            let [text, part] = two(c, a)?;
            Ok(Value::Bool(as_text(&text).contains(&as_text(&part))))
        },
        "Fn::Sum" => |c, a| Ok(sum(&items_of(c.evaluate(a)?))),
        "Fn::RangeSelect" => |c, a| {
            let items = list(c, a)?;
            let [start, end, from] =
                <[Value; 3]>::try_from(items).map_err(|_| "it takes [start, end, list]")?;
            let from = items_of(from);
            let len = from.len() as i64;
            let at = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) } as usize;
            let (start, end) = (at(index_of(&start)?), at(index_of(&end)?));
            Ok(Value::Array(
                from.get(start..end.max(start)).unwrap_or_default().to_vec(),
            ))
        },
        "Fn::First" => |c, a| {
            Ok(items_of(one(c, a)?)
                .into_iter()
                .next()
                .unwrap_or(Value::Null))
        },
        "Fn::Last" => |c, a| Ok(items_of(one(c, a)?).pop().unwrap_or(Value::Null)),
        "Fn::Intersection" => |c, a| Ok(Value::Array(in_all(&lists(c, a)?, true))),
        "Fn::Union" => |c, a| Ok(Value::Array(union(&lists(c, a)?))),
        // What is in some of the lists but not in all of them.
        "Fn::Difference" => |c, a| Ok(Value::Array(in_all(&lists(c, a)?, false))),
        "Fn::Min" => |c, a| Ok(extreme(items_of(one(c, a)?), std::cmp::Ordering::Less)?),
        "Fn::Max" => |c, a| Ok(extreme(items_of(one(c, a)?), std::cmp::Ordering::Greater)?),
        "Fn::MapJoin" => |c, a| {
            let [keys, values] = two(c, a)?;
            let values = items_of(values);
            Ok(Value::Object(
                items_of(keys)
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (as_text(k), values.get(i).cloned().unwrap_or(Value::Null)))
                    .collect(),
            ))
        },
        "Fn::IsIpInCIDR" => |c, a| {
            let [ip, cidr] = two(c, a)?;
            Ok(ip_in_cidr(&as_text(&ip), &as_text(&cidr)).map(Value::Bool)?)
        },
        "Fn::CalculateTimeByOpsWindow" => |_, _| {
            Err(Failure::unsupported(
                "Fn::CalculateTimeByOpsWindow (maintenance windows are not modelled)",
            ))
        },
        "Fn::Escape" => |c, a| {
            let [text, shell] = two(c, a)?;
            let text = as_text(&text);
            Ok(match as_text(&shell).to_ascii_lowercase().as_str() {
                "powershell" => text.replace('`', "``").replace('\'', "''"),
                _ => text.replace('\'', "'\\''"),
            }
            .into())
        },
        "Fn::Sub" => |c, a| {
            let [text, vars] = two(c, a)?;
            let mut text = as_text(&text);
            for (name, value) in vars.as_object().into_iter().flatten() {
                if !value.is_object() {
                    text = text.replace(&format!("${{{name}}}"), &as_text(value));
                }
            }
            Ok(text.into())
        },
        "Fn::ListJoin" => |c, a| Ok(Value::Array(items_of(c.evaluate(a)?))),
        "Fn::FindMatchedPackage" => |_, _| {
            Err(Failure::unsupported(
                "Fn::FindMatchedPackage (software packages are not modelled)",
            ))
        },
        _ => return None,
    };
    Some(f(c, args))
}

fn list(c: &Context<'_>, args: &Value) -> Result<Vec<Value>, Failure> {
    match c.evaluate(args)? {
        Value::Array(items) => Ok(items),
        other => Err(format!("it takes a list of arguments, not {other}").into()),
    }
}

fn one(c: &Context<'_>, args: &Value) -> Result<Value, Failure> {
    match args {
        Value::Array(items) if items.len() == 1 => c.evaluate(&items[0]),
        other => c.evaluate(other),
    }
}

fn two(c: &Context<'_>, args: &Value) -> Result<[Value; 2], Failure> {
    <[Value; 2]>::try_from(list(c, args)?).map_err(|_| "it takes two arguments".into())
}

/// A list, or the list a JSON text holds, or the one value as a list; null is empty.
/// The item at `index` of `items`, counted from the end when negative; null past either end.
fn at_index(items: &[Value], index: i64) -> Value {
    let at = if index < 0 {
        items.len() as i64 + index
    } else {
        index
    };
    usize::try_from(at)
        .ok()
        .and_then(|i| items.get(i))
        .cloned()
        .unwrap_or(Value::Null)
}

fn items_of(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => items,
            _ => vec![Value::String(text)],
        },
        other => vec![other],
    }
}

/// The lists a function of several takes: `[[…], […], …]`, each a list or a list's JSON text.
fn lists(c: &Context<'_>, args: &Value) -> Result<Vec<Vec<Value>>, Failure> {
    let lists = list(c, args)?;
    if lists.is_empty() {
        return Err("it takes a list of lists".into());
    }
    Ok(lists.into_iter().map(items_of).collect())
}

/// Every value of the lists once, in the order first met.
fn union(lists: &[Vec<Value>]) -> Vec<Value> {
    distinct(lists.iter().flatten())
}

/// Every one of `values` once, in the order first met: `Fn::Union`, and a loop's outputs
/// aggregated by `Fn::Distinct`.
pub(crate) fn distinct<'v>(values: impl IntoIterator<Item = &'v Value>) -> Vec<Value> {
    let mut all: Vec<Value> = Vec::new();
    for v in values {
        if !all.contains(v) {
            all.push(v.clone());
        }
    }
    all
}

/// The values of the union that are (`wanted` true) or are not (false) in every list.
fn in_all(lists: &[Vec<Value>], wanted: bool) -> Vec<Value> {
    union(lists)
        .into_iter()
        .filter(|v| lists.iter().all(|l| l.contains(v)) == wanted)
        .collect()
}

/// The least (`Less`) or greatest (`Greater`) of numbers, or of numeric text, as a number.
fn extreme(values: Vec<Value>, side: std::cmp::Ordering) -> Result<Value, String> {
    let mut best: Option<f64> = None;
    for v in &values {
        let n = numeric(v).ok_or_else(|| format!("{v} is not a number"))?;
        if best.is_none_or(|b| n.partial_cmp(&b) == Some(side)) {
            best = Some(n);
        }
    }
    best.map(number).ok_or_else(|| "the list is empty".into())
}

/// Whether `ip` lies in `cidr` (`192.168.1.0/24`, `2001:db8::/32`).
fn ip_in_cidr(ip: &str, cidr: &str) -> Result<bool, String> {
    use std::net::IpAddr;
    let ip: IpAddr = ip
        .trim()
        .parse()
        .map_err(|_| format!("`{ip}` is not an IP address"))?;
    let (network, bits) = cidr.trim().split_once('/').unwrap_or((cidr.trim(), ""));
    let network: IpAddr = network
        .parse()
        .map_err(|_| format!("`{cidr}` is not a CIDR block"))?;
    let (ip, network, width) = match (ip, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u128::from(u32::from(a)), u128::from(u32::from(n)), 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return Ok(false),
    };
    let bits: u32 = if bits.is_empty() {
        width
    } else {
        bits.parse()
            .ok()
            .filter(|b| *b <= width)
            .ok_or_else(|| format!("`{cidr}` is not a CIDR block"))?
    };
    let shift = width - bits;
    Ok(bits == 0 || ip >> shift == network >> shift)
}

fn index_of(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| format!("{n} is not a whole number")),
        other => as_text(other)
            .trim()
            .parse()
            .map_err(|_| format!("{other} is not a whole number")),
    }
}

/// The sum of the numbers in `values` (numbers, or text that reads as one; the rest are
/// left out), whole when it is: `Fn::Sum`, and a loop's outputs aggregated by it.
pub(crate) fn sum(values: &[Value]) -> Value {
    number(values.iter().filter_map(numeric).sum())
}

/// A number, or text that reads as one once trimmed: what `Fn::Sum`, `Fn::Min` and
/// `Fn::Max` all count.
fn numeric(value: &Value) -> Option<f64> {
    value
        .as_f64()
        .or_else(|| as_text(value).trim().parse().ok())
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// A moment written RFC 3339 (`2024-05-01T10:00:00Z`), or with minutes only.
fn timestamp(text: &str) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&text.replacen('Z', ":00Z", 1), &Rfc3339))
        .map_err(|_| format!("`{text}` is not a UTC time such as 2024-05-01T10:00:00Z"))
}

/// Seconds of a moment: a full time, or a time of day (`21:00:00Z`, `08:30`).
fn moment(text: &str) -> Result<i64, String> {
    if let Ok(at) = timestamp(text) {
        return Ok(at.unix_timestamp());
    }
    let clock = text.trim().trim_end_matches('Z');
    let clock = clock.split(['+', '-']).next().unwrap_or(clock);
    let parts: Vec<i64> = clock
        .split(':')
        .map(|p| p.parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{text}` is neither a time nor a time of day"))?;
    match parts.as_slice() {
        [h, m] => Ok(h * 3600 + m * 60),
        [h, m, s] => Ok(h * 3600 + m * 60 + s),
        _ => Err(format!("`{text}` is neither a time nor a time of day")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with;
    use serde_json::{json, Value};

    fn eval(value: Value) -> Result<Value, String> {
        with(|c| c.evaluate(&value)).map_err(|why| why.to_string())
    }

    #[test]
    fn every_function_the_corpus_uses() {
        let cases = [
            (json!({"Fn::Equals": ["{{ name }}", "web"]}), json!(true)),
            (json!({"Fn::Equals": ["{{ count }}", "3"]}), json!(true)),
            (json!({"Fn::Not": {"Fn::Equals": [1, 2]}}), json!(true)),
            (json!({"Fn::Not": [true]}), json!(false)),
            (json!({"Fn::And": [true, "{{ on }}"]}), json!(true)),
            (json!({"Fn::Or": [false, false]}), json!(false)),
            (
                json!({"Fn::If": [{"Fn::Equals": [1, 1]}, "yes", "{{ missing }}"]}),
                json!("yes"),
            ),
            (json!({"Fn::Select": [1, "{{ ids }}"]}), json!("i-2")),
            (json!({"Fn::Select": ["a", {"a": 5}]}), json!(5)),
            (json!({"Fn::Join": [",", "{{ ids }}"]}), json!("i-1,i-2")),
            (json!({"Fn::Split": ["/", "a/b"]}), json!(["a", "b"])),
            (
                json!({"Fn::Jq": ["First", ".[1]", "{{ ids }}"]}),
                json!("i-2"),
            ),
            (
                json!({"Fn::Jq": ["All", ".[] | select(. > 1)", [1, 2, 3]]}),
                json!([2, 3]),
            ),
            (
                json!({"Fn::Replace": [{".": "_"}, "a.b.c"]}),
                json!("a_b_c"),
            ),
            (json!({"Fn::Base64Encode": "hi"}), json!("aGk=")),
            (json!({"Fn::Base64Decode": ["aGk="]}), json!("hi")),
            (json!({"Fn::MergeList": [[1], [2, 3]]}), json!([1, 2, 3])),
            (
                json!({"Fn::MergeMap": [{"a": 1}, {"b": 2}]}),
                json!({"a": 1, "b": 2}),
            ),
            (
                json!({"Fn::MergeMapToList": [{"Id": ["x", "y"]}, {"W": [0]}]}),
                json!([{"Id": "x", "W": 0}, {"Id": "y", "W": 0}]),
            ),
            (
                json!({"Fn::ConvertMapToList": [{"k": "v"}]}),
                json!([{"Key": "k", "Value": "v"}]),
            ),
            (
                json!({"Fn::CalculateBatch": [3, [1, 2, 3, 4, 5, 6, 7]]}),
                json!([3, 2, 2]),
            ),
            (
                json!({"Fn::FormatUTCTime": ["2024-05-01T10:20:30Z", "%Y-%m-%dT00:00Z"]}),
                json!("2024-05-01T00:00Z"),
            ),
            (
                json!({"Fn::AddHour": ["2024-05-01T10:00:00Z", {"Fn::Eval": ["-2*24"]}]}),
                json!("2024-04-29T10:00:00Z"),
            ),
            (
                json!({"Fn::DurationBetween": ["21:00:00Z", "08:00:00Z"]}),
                json!("PT39600S"),
            ),
            (json!({"Fn::Eval": ["1+2*3"]}), json!(7)),
            (
                json!({"Fn::ContainsSubString": ["hello", "ell"]}),
                json!(true),
            ),
            (json!({"Fn::Sum": [1, "2", 3.5]}), json!(6.5)),
            // Numeric text counts the same in all three, spaces around it or not.
            (json!({"Fn::Sum": [" 2 ", "3\n", "x"]}), json!(5)),
            (json!({"Fn::Min": [" 2 ", "3\n"]}), json!(2)),
            (json!({"Fn::Max": [" 2 ", "3\n"]}), json!(3)),
            // A list's JSON text is selected from as the list is, a map's as the map.
            (json!({"Fn::Select": [1, "[\"a\", \"b\"]"]}), json!("b")),
            (json!({"Fn::Select": ["-1", "[1, 2, 3]"]}), json!(3)),
            (json!({"Fn::Select": [5, "[1]"]}), Value::Null),
            (json!({"Fn::Select": ["k", "{\"k\": [1]}"]}), json!([1])),
            (
                json!({"Fn::RangeSelect": [0, -1, ["a", "b", "c"]]}),
                json!(["a", "b"]),
            ),
            (
                json!({"Fn::Last": {"Fn::Split": ["/", "cluster/x"]}}),
                json!("x"),
            ),
            (
                json!({"Fn::Intersection": [[1, 2, 3], [3, 1]]}),
                json!([1, 3]),
            ),
            (
                json!({"Fn::Escape": ["it's", "powershell"]}),
                json!("it''s"),
            ),
            (
                json!({"Fn::Sub": ["acs:${uid}:${other}", {"uid": 7, "other": {"Ref": "x"}}]}),
                json!("acs:7:${other}"),
            ),
            (
                json!({"Fn::GetAtt": ["Role", "RoleName"]}),
                json!({"Fn::GetAtt": ["Role", "RoleName"]}),
            ),
            (json!({"Fn::Min": [2, "-1.5", 7]}), json!(-1.5)),
            (json!({"Fn::Max": "[2, 9]"}), json!(9)),
            (
                json!({"Fn::Union": [["a"], "[\"b\", \"a\"]"]}),
                json!(["a", "b"]),
            ),
            (
                json!({"Fn::Difference": [["a", "b"], ["a", "b"]]}),
                json!([]),
            ),
            (
                json!({"Fn::IsIpInCIDR": ["8.8.8.8", "0.0.0.0/0"]}),
                json!(true),
            ),
            (json!({"Fn::IsIpInCIDR": ["::1", "::/0"]}), json!(true)),
            (
                json!({"Fn::IsIpInCIDR": ["10.0.0.1", "10.0.0.1"]}),
                json!(true),
            ),
            (
                json!({"Fn::IsIpInCIDR": ["10.0.0.1", "2001:db8::/32"]}),
                json!(false),
            ),
        ];
        for (call, want) in cases {
            assert_eq!(eval(call.clone()).unwrap(), want, "{call}");
        }
        for (call, says) in [
            (json!({"Fn::If": [true, 1]}), "Fn::If: it takes"),
            (json!({"Fn::Jq": ["Some", ".", 1]}), "neither First nor All"),
            (
                json!({"Fn::Jq": ["Some", "error(\"ran\")", 1]}),
                "Fn::Jq: mode Some is neither First nor All",
            ),
            (json!({"Fn::Base64Decode": "!!"}), "not base64"),
            (json!({"Fn::AddHour": ["yesterday", 1]}), "not a UTC time"),
            (json!({"Fn::Min": []}), "the list is empty"),
            (json!({"Fn::Max": ["a", 1]}), "is not a number"),
            (
                json!({"Fn::Select": [0, "a, b"]}),
                "cannot select 0 from text a, b",
            ),
            (
                json!({"Fn::Select": ["x", "[1]"]}),
                "\"x\" is not a whole number",
            ),
            (
                json!({"Fn::IsIpInCIDR": ["10.0.0.1", "10.0.0.0/33"]}),
                "not a CIDR block",
            ),
            (
                json!({"Fn::IsIpInCIDR": ["host", "10.0.0.0/8"]}),
                "not an IP address",
            ),
            (
                json!({"Fn::FindMatchedPackage": ["a", "b"]}),
                "Unsupported by the emulator:",
            ),
        ] {
            let error = eval(call.clone()).unwrap_err();
            assert!(error.contains(says), "{call}: {error}");
        }
    }
}

//! Decoding the parameters of a received request.

use percent_encoding::percent_decode_str;

/// Decodes `a=1&b=x%20y` into pairs.
///
/// `+` is read as a space: reqwest, Java's `URLEncoder` and form bodies write spaces that
/// way, while a client that percent-encodes properly never sends a bare `+`, so this
/// reading is right for every client that can sign correctly.
pub(crate) fn decode_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    // Invalid UTF-8 cannot have been signed as such by a correct client, so a lossy
    // reading only turns it into a signature mismatch, never an accepted request.
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// The first value of `name` among `pairs`.
pub(crate) fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Whether a `Content-Type` names a form body.
pub(crate) fn is_form(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pairs() {
        let pairs = decode_pairs("a=1&b=x%20y&c&d=e+f%2Bg&&e=%E4%B8%AD");
        let expect = [
            ("a", "1"),
            ("b", "x y"),
            ("c", ""),
            ("d", "e f+g"),
            ("e", "中"),
        ];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn tolerates_garbage() {
        assert_eq!(
            decode_pairs("%ZZ=%FF%"),
            vec![("%ZZ".to_owned(), "\u{FFFD}%".to_owned())]
        );
        assert!(decode_pairs("").is_empty());
    }

    #[test]
    fn recognizes_form_content_types() {
        assert!(is_form(Some(
            "application/x-www-form-urlencoded; charset=UTF-8"
        )));
        assert!(is_form(Some("Application/X-WWW-Form-Urlencoded")));
        assert!(!is_form(Some("application/json")));
        assert!(!is_form(None));
    }
}

//! The Python value a YAML or JSON node becomes when Spec Kit loads it (`yaml.safe_load`, YAML
//! 1.1 resolution of plain scalars; `json.load`), so the workflow validator judges types as Spec
//! Kit's `validate_workflow` does: `version: 1.0` is a float, `id: 123` an int, `on` a bool,
//! `2026-01-02` a date.

use crate::syntax::tree::{NodeId, NodeKind, Tree};

/// A Python value's type, with the scalar's value where the checks need it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Py {
    Str(String),
    Int(i128),
    /// An int too large for 128 bits (its digits kept).
    BigInt,
    Float(f64),
    Bool(bool),
    None,
    /// A YAML timestamp (`date` or `datetime`).
    Date,
    List,
    Dict,
}

impl Py {
    /// The type in words, with its article: `a string`, `an integer`, `a number` (float),
    /// `a boolean`, `null`, `a date`, `a list`, `a mapping`.
    pub(crate) fn described(&self) -> &'static str {
        match self {
            Py::Str(_) => "a string",
            Py::Int(_) | Py::BigInt => "an integer",
            Py::Float(_) => "a number",
            Py::Bool(_) => "a boolean",
            Py::None => "null",
            Py::Date => "a date",
            Py::List => "a list",
            Py::Dict => "a mapping",
        }
    }

    /// Python's truthiness.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Py::Str(s) => !s.is_empty(),
            Py::Int(i) => *i != 0,
            Py::BigInt | Py::Date => true,
            Py::Float(f) => *f != 0.0,
            Py::Bool(b) => *b,
            Py::None => false,
            // Emptiness of collections is judged by the caller, which has the node.
            Py::List | Py::Dict => true,
        }
    }

    /// The string, for a `str`.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Py::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// How the tree's scalars were written: YAML (resolved as PyYAML does) or JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Syntax {
    Yaml,
    Json,
}

/// The Python value of node `id` of tree `t` parsed from `text`.
pub(crate) fn py(t: &Tree, text: &str, syntax: Syntax, id: NodeId) -> Py {
    let node = t.node(id);
    match &node.kind {
        NodeKind::Null => Py::None,
        NodeKind::Seq(_) => Py::List,
        NodeKind::Map(_) => Py::Dict,
        NodeKind::Alias(_) => Py::None,
        NodeKind::Scalar { value } => {
            let first = text.as_bytes().get(node.range.start).copied();
            let quoted = matches!(first, Some(b'"' | b'\'' | b'|' | b'>'));
            if quoted {
                return Py::Str(value.clone());
            }
            match syntax {
                Syntax::Json => json_scalar(value),
                Syntax::Yaml => yaml_scalar(value),
            }
        }
    }
}

fn json_scalar(v: &str) -> Py {
    match v {
        "true" => Py::Bool(true),
        "false" => Py::Bool(false),
        _ if v.contains(['.', 'e', 'E']) => v.parse().map_or(Py::Str(v.to_string()), Py::Float),
        _ => v.parse().map_or(Py::BigInt, Py::Int),
    }
}

/// PyYAML's resolution of a plain scalar (yaml/resolver.py, YAML 1.1 implicit tags).
pub(crate) fn yaml_scalar(v: &str) -> Py {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Py::None,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Py::Bool(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => return Py::Bool(false),
        _ => {}
    }
    if let Some(i) = yaml_int(v) {
        return i;
    }
    if let Some(f) = yaml_float(v) {
        return Py::Float(f);
    }
    if is_timestamp(v) {
        return Py::Date;
    }
    Py::Str(v.to_string())
}

fn sign(v: &str) -> (bool, &str) {
    match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    }
}

/// `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
fn yaml_int(v: &str) -> Option<Py> {
    let (negative, body) = sign(v);
    let digits_of = |s: &str, radix: u32| -> Option<Py> {
        let clean: String = s.chars().filter(|c| *c != '_').collect();
        if clean.is_empty() {
            return Some(Py::Int(0));
        }
        Some(i128::from_str_radix(&clean, radix).map_or(Py::BigInt, |n| Py::Int(if negative { -n } else { n })))
    };
    if let Some(b) = body.strip_prefix("0b") {
        return (!b.is_empty() && b.chars().all(|c| matches!(c, '0' | '1' | '_'))).then(|| digits_of(b, 2)).flatten();
    }
    if let Some(x) = body.strip_prefix("0x") {
        return (!x.is_empty() && x.chars().all(|c| c.is_ascii_hexdigit() || c == '_')).then(|| digits_of(x, 16)).flatten();
    }
    if body == "0" {
        return Some(Py::Int(0));
    }
    if let Some(o) = body.strip_prefix('0') {
        return (!o.is_empty() && o.chars().all(|c| matches!(c, '0'..='7' | '_'))).then(|| digits_of(o, 8)).flatten();
    }
    if body.starts_with(|c: char| matches!(c, '1'..='9')) {
        if body.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return digits_of(body, 10);
        }
        // Sexagesimal: 1:30 = 90.
        let mut parts = body.split(':');
        let head = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        if !rest.is_empty()
            && head.chars().all(|c| c.is_ascii_digit() || c == '_')
            && rest.iter().all(|p| {
                !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()) && (p.len() == 1 || p.as_bytes()[0] <= b'5')
            })
        {
            let mut n: i128 = head.chars().filter(|c| *c != '_').collect::<String>().parse().ok()?;
            for p in rest {
                n = n.checked_mul(60)?.checked_add(p.parse().ok()?)?;
            }
            return Some(Py::Int(if negative { -n } else { n }));
        }
    }
    None
}

/// `[-+]?([0-9][0-9_]*)\.[0-9_]*([eE][-+][0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)? |
/// [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
fn yaml_float(v: &str) -> Option<f64> {
    if matches!(v, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let (negative, body) = sign(v);
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(if negative { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    let signed = |x: f64| if negative { -x } else { x };
    // Mantissa and exponent.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(e) = exponent {
        let ok = e.len() >= 2 && matches!(e.as_bytes()[0], b'-' | b'+') && e[1..].chars().all(|c| c.is_ascii_digit());
        if !ok {
            return None;
        }
    }
    let (int_part, frac) = mantissa.split_once('.')?;
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '_');
    if int_part.contains(':') {
        // Sexagesimal float, no exponent.
        if exponent.is_some() || !frac.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return None;
        }
        let mut parts = int_part.split(':');
        let head = parts.next()?;
        if head.is_empty() || !head.starts_with(|c: char| c.is_ascii_digit()) || !digits_ok(head) {
            return None;
        }
        let mut n: f64 = head.replace('_', "").parse().ok()?;
        for p in parts {
            if p.is_empty() || p.len() > 2 || !p.chars().all(|c| c.is_ascii_digit()) || (p.len() == 2 && p.as_bytes()[0] > b'5') {
                return None;
            }
            n = n * 60.0 + p.parse::<f64>().ok()?;
        }
        let f: f64 = format!("0.{}", frac.replace('_', "")).parse().unwrap_or(0.0);
        return Some(signed(n + f));
    }
    if int_part.is_empty() {
        // `.5`: no sign allowed, at least one digit.
        if negative || v.starts_with('+') || frac.is_empty() || !digits_ok(frac) {
            return None;
        }
    } else if !int_part.starts_with(|c: char| c.is_ascii_digit()) || !digits_ok(int_part) || !digits_ok(frac) {
        return None;
    }
    let clean = format!("{}.{}{}", int_part.replace('_', ""), frac.replace('_', ""), exponent.map(|e| format!("e{e}")).unwrap_or_default());
    let clean = if clean.starts_with('.') { format!("0{clean}") } else { clean };
    clean.parse::<f64>().ok().map(signed)
}

/// `YYYY-MM-DD`, or a date with a time (`2001-12-14t21:59:43.10-05:00`).
fn is_timestamp(v: &str) -> bool {
    let b = v.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if b.len() == 10 && digits(&b[..4]) && b[4] == b'-' && digits(&b[5..7]) && b[7] == b'-' && digits(&b[8..10]) {
        return true;
    }
    // The long form: YYYY-M?M-D?D then [Tt] or blanks, H?H:MM:SS(.frac)? and an optional zone.
    let Some((date, time)) = v.split_once(['T', 't', ' ', '\t']) else { return false };
    let mut d = date.split('-');
    let (Some(y), Some(m), Some(dd), None) = (d.next(), d.next(), d.next(), d.next()) else { return false };
    if !(y.len() == 4
        && digits(y.as_bytes())
        && (1..=2).contains(&m.len())
        && digits(m.as_bytes())
        && (1..=2).contains(&dd.len())
        && digits(dd.as_bytes()))
    {
        return false;
    }
    let time = time.trim_start_matches([' ', '\t']);
    let zone_at = time.find(['Z', '+', '-', ' ', '\t']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let mut c = clock.split(':');
    let (Some(h), Some(mi), Some(s), None) = (c.next(), c.next(), c.next(), c.next()) else { return false };
    let (s, frac) = s.split_once('.').unwrap_or((s, ""));
    let clock_ok = (1..=2).contains(&h.len())
        && digits(h.as_bytes())
        && mi.len() == 2
        && digits(mi.as_bytes())
        && s.len() == 2
        && digits(s.as_bytes())
        && frac.chars().all(|c| c.is_ascii_digit());
    let zone = zone.trim_start_matches([' ', '\t']);
    let zone_ok = zone.is_empty() || zone == "Z" || {
        let z = &zone[1..];
        let (hh, mm) = z.split_once(':').unwrap_or((z, ""));
        zone.starts_with(['+', '-'])
            && (1..=2).contains(&hh.len())
            && digits(hh.as_bytes())
            && (mm.is_empty() || (mm.len() == 2 && digits(mm.as_bytes())))
    };
    clock_ok && zone_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyyaml_resolution() {
        for (v, want) in [
            ("1.0", Py::Float(1.0)),
            ("1.0.0", Py::Str("1.0.0".into())),
            ("123", Py::Int(123)),
            ("0o17", Py::Str("0o17".into())),
            ("017", Py::Int(15)),
            ("0x1F", Py::Int(31)),
            ("1_000", Py::Int(1000)),
            ("1:30", Py::Int(90)),
            ("-5", Py::Int(-5)),
            ("1e3", Py::Str("1e3".into())),
            ("1.5e+3", Py::Float(1500.0)),
            (".5", Py::Float(0.5)),
            ("+.inf", Py::Float(f64::INFINITY)),
            ("yes", Py::Bool(true)),
            ("Off", Py::Bool(false)),
            ("y", Py::Str("y".into())),
            ("~", Py::None),
            ("2026-01-02", Py::Date),
            ("2001-12-14t21:59:43.10-05:00", Py::Date),
            ("2001-12-14 21:59:43.10 -5", Py::Date),
            ("speckit.plan", Py::Str("speckit.plan".into())),
            ("{{ inputs.spec }}", Py::Str("{{ inputs.spec }}".into())),
        ] {
            assert_eq!(yaml_scalar(v), want, "{v}");
        }
        assert!(matches!(yaml_scalar(".nan"), Py::Float(f) if f.is_nan()));
    }

    #[test]
    fn quoted_scalars_are_strings() {
        let text = "a: '1.0'\nb: 1.0\nc: \"yes\"\nd: |\n  1\n";
        let t = crate::syntax::tree::parse_yaml(text, 0).unwrap_or_else(|e| panic!("{e:?}"));
        let root = t.root.unwrap_or_else(|| panic!("root"));
        let get = |k: &str| py(&t, text, Syntax::Yaml, t.get(root, k).unwrap_or_else(|| panic!("{k}")));
        assert_eq!(get("a"), Py::Str("1.0".into()));
        assert_eq!(get("b"), Py::Float(1.0));
        assert_eq!(get("c"), Py::Str("yes".into()));
        assert_eq!(get("d"), Py::Str("1\n".into()));
    }
}

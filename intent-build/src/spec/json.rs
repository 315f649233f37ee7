//! Turning the JSON values of Markdown examples into Rust expressions,
//! guided by the parameter and return types of the signature.

use std::collections::HashMap;

use serde_json::Value;

use super::rust::shown;

/// Named-field structs declared in a prelude: name → fields in order.
pub(crate) type Structs = HashMap<String, Vec<(String, syn::Type)>>;

/// Collects the named-field structs of a prelude.
pub(crate) fn structs_of(prelude: &syn::File) -> Structs {
    let mut structs = Structs::new();
    for item in &prelude.items {
        if let syn::Item::Struct(item) = item {
            if let syn::Fields::Named(fields) = &item.fields {
                let fields = fields
                    .named
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                    .collect();
                structs.insert(item.ident.to_string(), fields);
            }
        }
    }
    structs
}

/// The Rust expression for `value` as a value of type `ty`.
pub(crate) fn to_rust(value: &Value, ty: &syn::Type, structs: &Structs) -> Result<String, String> {
    match ty {
        syn::Type::Paren(inner) => to_rust(value, &inner.elem, structs),
        syn::Type::Group(inner) => to_rust(value, &inner.elem, structs),
        syn::Type::Reference(reference) => {
            if reference.mutability.is_some() {
                return Err(format!("cannot write a JSON value for `{}`", shown(ty)));
            }
            match &*reference.elem {
                syn::Type::Path(p) if p.path.is_ident("str") => string_literal(value, ty),
                syn::Type::Slice(slice) => Ok(format!(
                    "&{}",
                    seq(value, &slice.elem, structs, "[", "]", ty)?
                )),
                inner => Ok(format!("&{}", to_rust(value, inner, structs)?)),
            }
        }
        syn::Type::Tuple(tuple) if tuple.elems.is_empty() => match value {
            Value::Null => Ok("()".into()),
            _ => Err(mismatch(value, ty)),
        },
        syn::Type::Tuple(tuple) => {
            let Value::Array(items) = value else {
                return Err(mismatch(value, ty));
            };
            if items.len() != tuple.elems.len() {
                return Err(format!(
                    "`{}` has {} elements, the JSON array {}",
                    shown(ty),
                    tuple.elems.len(),
                    items.len()
                ));
            }
            let parts = items
                .iter()
                .zip(&tuple.elems)
                .map(|(v, t)| to_rust(v, t, structs))
                .collect::<Result<Vec<_>, _>>()?;
            let trailing = if parts.len() == 1 { "," } else { "" };
            Ok(format!("({}{trailing})", parts.join(", ")))
        }
        syn::Type::Array(array) => seq(value, &array.elem, structs, "[", "]", ty),
        syn::Type::Path(path) => path_type(value, path, ty, structs),
        _ => Err(format!("cannot write a JSON value for `{}`", shown(ty))),
    }
}

fn seq(
    value: &Value,
    elem: &syn::Type,
    structs: &Structs,
    open: &str,
    close: &str,
    ty: &syn::Type,
) -> Result<String, String> {
    let Value::Array(items) = value else {
        return Err(mismatch(value, ty));
    };
    let parts = items
        .iter()
        .map(|v| to_rust(v, elem, structs))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("{open}{}{close}", parts.join(", ")))
}

fn string_literal(value: &Value, ty: &syn::Type) -> Result<String, String> {
    match value {
        // Debug of a str is a valid Rust string literal, escapes included.
        Value::String(s) => Ok(format!("{s:?}")),
        _ => Err(mismatch(value, ty)),
    }
}

fn path_type(
    value: &Value,
    path: &syn::TypePath,
    ty: &syn::Type,
    structs: &Structs,
) -> Result<String, String> {
    let Some(last) = path.path.segments.last() else {
        return Err(mismatch(value, ty));
    };
    let name = last.ident.to_string();
    let generic = || -> Option<&syn::Type> {
        match &last.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }),
            _ => None,
        }
    };
    match name.as_str() {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
            _ => Err(mismatch(value, ty)),
        },
        "f32" | "f64" => match value {
            Value::Number(n) => {
                let f = n.as_f64().ok_or_else(|| mismatch(value, ty))?;
                // `{:?}` always writes a decimal point or exponent: `5.0`, `0.6`.
                Ok(format!("{f:?}"))
            }
            _ => Err(mismatch(value, ty)),
        },
        "bool" => match value {
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(mismatch(value, ty)),
        },
        "char" => match value {
            Value::String(s) if s.chars().count() == 1 => {
                Ok(format!("{:?}", s.chars().next().unwrap_or_default()))
            }
            _ => Err(mismatch(value, ty)),
        },
        "String" => Ok(format!("String::from({})", string_literal(value, ty)?)),
        "Vec" => {
            let elem = generic().ok_or_else(|| mismatch(value, ty))?;
            seq(value, elem, structs, "vec![", "]", ty)
        }
        "Option" => {
            let inner = generic().ok_or_else(|| mismatch(value, ty))?;
            match value {
                Value::Null => Ok("None".into()),
                v => Ok(format!("Some({})", to_rust(v, inner, structs)?)),
            }
        }
        "Box" => {
            let inner = generic().ok_or_else(|| mismatch(value, ty))?;
            Ok(format!("Box::new({})", to_rust(value, inner, structs)?))
        }
        other => struct_value(value, other, ty, structs),
    }
}

/// A struct literal of the prelude's struct `name` from a JSON object of
/// its fields.
fn struct_value(
    value: &Value,
    name: &str,
    ty: &syn::Type,
    structs: &Structs,
) -> Result<String, String> {
    let Some(fields) = structs.get(name) else {
        return Err(format!(
            "cannot write a JSON value for `{}`: declare it as a struct with named fields in `# prelude:`",
            shown(ty)
        ));
    };
    let Value::Object(map) = value else {
        return Err(mismatch(value, ty));
    };
    if let Some(key) = map.keys().find(|key| !fields.iter().any(|(f, _)| f == *key)) {
        return Err(format!("`{name}` has no field `{key}`"));
    }
    let parts = fields
        .iter()
        .map(|(field, fty)| {
            let v = map
                .get(field)
                .ok_or_else(|| format!("field `{field}` of `{name}` is missing"))?;
            Ok(format!("{field}: {}", to_rust(v, fty, structs)?))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(format!("{name} {{ {} }}", parts.join(", ")))
}

fn mismatch(value: &Value, ty: &syn::Type) -> String {
    format!(
        "JSON value `{value}` does not fit type `{}`",
        shown(ty)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(json: &str, ty: &str) -> Result<String, String> {
        let prelude: syn::File =
            syn::parse_str("struct P { x: f64, tag: Option<String> }").unwrap();
        to_rust(
            &serde_json::from_str(json).unwrap(),
            &syn::parse_str(ty).unwrap(),
            &structs_of(&prelude),
        )
    }

    #[test]
    fn converts_by_type() {
        assert_eq!(conv("3", "f64").unwrap(), "3.0");
        assert_eq!(conv("-3", "i32").unwrap(), "-3");
        assert_eq!(conv("\"a\\\"b\"", "&str").unwrap(), "\"a\\\"b\"");
        assert_eq!(conv("[1,2]", "Vec<u8>").unwrap(), "vec![1, 2]");
        assert_eq!(conv("[1,2]", "&[u8]").unwrap(), "&[1, 2]");
        assert_eq!(conv("null", "Option<i32>").unwrap(), "None");
        assert_eq!(
            conv("[1,\"x\"]", "(i32, String)").unwrap(),
            "(1, String::from(\"x\"))"
        );
        assert_eq!(
            conv("{\"x\":1,\"tag\":null}", "P").unwrap(),
            "P { x: 1.0, tag: None }"
        );
    }

    #[test]
    fn refuses_what_does_not_fit() {
        assert!(conv("1.5", "i32").unwrap_err().contains("does not fit"));
        assert!(conv("{\"x\":1}", "P").unwrap_err().contains("`tag`"));
        assert!(conv("1", "HashMap<i32, i32>")
            .unwrap_err()
            .contains("prelude"));
    }
}

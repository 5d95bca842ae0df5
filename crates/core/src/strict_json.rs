//! JSON that means one thing: a document whose object repeats a key is refused. Parsers disagree on which of two
//! equal keys wins (serde keeps the last, others the first), so a file with `"nonce": 1, "nonce": 2` can show one
//! value to a reviewer's tool and hash another in ours.

use serde::{
    Deserialize,
    de::{self, Deserializer, MapAccess, SeqAccess, Visitor},
};

/// Checks `text` for repeated object keys at any depth. `Err` names the first repeated key and its path.
pub fn check_unique_keys(text: &str) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_str(text);
    de::DeserializeSeed::deserialize(Walk { path: String::from("$") }, &mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())
}

/// Visits a value, failing on a repeated key; `path` names where it is, for the message.
struct Walk {
    path: String,
}

impl<'de> de::DeserializeSeed<'de> for Walk {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while seq.next_element_seed(Walk { path: format!("{}[{i}]", self.path) })?.is_some() {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = format!("{}.{key}", self.path);
            if !seen.insert(key) {
                return Err(de::Error::custom(format!("the key {path} appears twice")));
            }
            map.next_value_seed(Walk { path })?;
        }
        Ok(())
    }
}

/// Parses `text` as `T` after refusing repeated keys.
pub fn from_str<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
    check_unique_keys(text)?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::check_unique_keys;

    #[test]
    fn repeated_keys_are_refused_at_any_depth() {
        assert!(check_unique_keys(r#"{"a":1,"b":[{"c":2,"d":{"e":[1,2]}}],"f":null,"g":true,"h":-1.5}"#).is_ok());
        for (text, path) in [
            (r#"{"a":1,"a":2}"#, "$.a"),
            (r#"{"x":{"typedData":{"message":{"nonce":1,"nonce":2}}}}"#, "$.x.typedData.message.nonce"),
            (r#"{"calls":[{},{"data":"0x","data":"0x00"}]}"#, "$.calls[1].data"),
        ] {
            let e = check_unique_keys(text).expect_err(text);
            assert!(e.contains(&format!("the key {path} appears twice")), "{e}");
        }
        assert!(check_unique_keys(r#"{"a":1} trailing"#).is_err());
    }
}

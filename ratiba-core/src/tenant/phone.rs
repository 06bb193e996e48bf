use std::fmt;

use serde::{Deserialize, Serialize};

/// A phone number in E.164 (`+` and 8 to 15 digits, no leading zero in the country code).
/// Spaces, dots, dashes and parentheses are accepted on input and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The rule a number breaks, as one sentence, or the number.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        if compact.is_empty() {
            return Err("is required, in E.164 form such as +254712345678".into());
        }
        let (plus, digits) = match compact.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, compact.as_str()),
        };
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("may contain only digits after '+' (E.164, such as +254712345678)".into());
        }
        if !plus {
            // A leading 0 is the Kenyan trunk prefix: 0712... is +254712...
            let hint = match digits.strip_prefix('0') {
                Some(national) => format!("+254{national}"),
                None => format!("+{digits}"),
            };
            return Err(format!(
                "must be in international E.164 form starting with '+' and the country code (did you mean {hint}?)"
            ));
        }
        if digits.starts_with('0') {
            return Err(
                "the country code cannot start with 0 (E.164, such as +254712345678)".into(),
            );
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(format!(
                "must have 8 to 15 digits after '+' (E.164); this one has {}",
                digits.len()
            ));
        }
        if let Some(national) = digits.strip_prefix("254") {
            // Kenyan numbers: 9 digits after the country code, without the trunk 0.
            if let Some(rest) = national.strip_prefix('0') {
                return Err(format!(
                    "drop the 0 after the country code +254 (did you mean +254{rest}?)"
                ));
            }
            if national.len() != 9 {
                return Err(format!(
                    "a Kenyan number has 9 digits after +254, such as +254712345678; this one has {}",
                    national.len()
                ));
            }
        }
        Ok(PhoneNumber(format!("+{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        PhoneNumber::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_e164() {
        for (raw, want) in [
            ("+254712345678", "+254712345678"),
            ("+254112345678", "+254112345678"),
            ("+15555555555", "+15555555555"),
            ("+254 712 345 678", "+254712345678"),
            ("+44 (20) 7946-0958", "+442079460958"),
        ] {
            assert_eq!(PhoneNumber::parse(raw).expect(raw).as_str(), want);
        }
    }

    #[test]
    fn rejects_with_hints() {
        for (raw, hint) in [
            ("0712345678", "+254712345678"),
            ("254712345678", "+254712345678"),
            ("+2540712345678", "+254712345678"),
            ("+25471234567", "9 digits after +254"),
            ("+254abc", "only digits"),
            ("", "required"),
            ("+0712345678", "cannot start with 0"),
            ("+1234", "8 to 15"),
            ("+1234567890123456", "8 to 15"),
        ] {
            let err = PhoneNumber::parse(raw).expect_err(raw);
            assert!(err.contains(hint), "{raw}: {err}");
        }
    }
}

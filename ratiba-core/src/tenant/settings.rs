use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kind of business: a closed set, because the booking assistant's prompts,
/// cross-sell rules and default durations depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vertical {
    Spa,
    Salon,
    Barber,
    Nails,
    Beauty,
    Wellness,
    Massage,
    Dental,
    Clinic,
    Physiotherapy,
    Fitness,
}

impl Vertical {
    pub const ALL: &'static [Vertical] = &[
        Vertical::Spa,
        Vertical::Salon,
        Vertical::Barber,
        Vertical::Nails,
        Vertical::Beauty,
        Vertical::Wellness,
        Vertical::Massage,
        Vertical::Dental,
        Vertical::Clinic,
        Vertical::Physiotherapy,
        Vertical::Fitness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Vertical::Spa => "spa",
            Vertical::Salon => "salon",
            Vertical::Barber => "barber",
            Vertical::Nails => "nails",
            Vertical::Beauty => "beauty",
            Vertical::Wellness => "wellness",
            Vertical::Massage => "massage",
            Vertical::Dental => "dental",
            Vertical::Clinic => "clinic",
            Vertical::Physiotherapy => "physiotherapy",
            Vertical::Fitness => "fitness",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == raw.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!(
                    "'{raw}' is not a known vertical; allowed: {}",
                    allowed.join(", ")
                )
            })
    }
}

impl fmt::Display for Vertical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Vertical {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Vertical::parse(s)
    }
}

/// A BCP 47 language tag (`en`, `sw`, `en-KE`, `sw-KE`, `zh-Hant-TW`), stored in
/// canonical case: language lowercase, script titlecase, region uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Locale(String);

impl Locale {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let help = "must be a BCP 47 language tag such as en, sw, en-KE or sw-KE";
        if raw.is_empty() {
            return Err(format!("is required: {help}"));
        }
        if raw.contains('_') {
            return Err(format!("{help} (did you mean {}?)", raw.replace('_', "-")));
        }
        let mut parts = raw.split('-');
        let language = parts.next().unwrap_or_default();
        if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Err(format!(
                "{help}: '{language}' is not a 2- or 3-letter language code"
            ));
        }
        let mut out = language.to_ascii_lowercase();
        let mut seen_region = false;
        let mut seen_script = false;
        for part in parts {
            let alpha = part.chars().all(|c| c.is_ascii_alphabetic());
            let digit = part.chars().all(|c| c.is_ascii_digit());
            out.push('-');
            if part.len() == 4 && alpha && !seen_script && !seen_region {
                seen_script = true;
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    out.push(first.to_ascii_uppercase());
                }
                out.push_str(&chars.as_str().to_ascii_lowercase());
            } else if ((part.len() == 2 && alpha) || (part.len() == 3 && digit)) && !seen_region {
                seen_region = true;
                out.push_str(&part.to_ascii_uppercase());
            } else if (5..=8).contains(&part.len())
                && part.chars().all(|c| c.is_ascii_alphanumeric())
            {
                out.push_str(&part.to_ascii_lowercase());
            } else {
                return Err(format!("{help}: '{part}' is not a valid subtag"));
            }
        }
        Ok(Locale(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Locale {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Locale::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// An IANA time zone name such as `Africa/Nairobi`. Abbreviations (`EAT`) are
/// rejected: they are ambiguous and carry no daylight-saving rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TimeZone(String);

impl TimeZone {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is required: an IANA time zone name such as Africa/Nairobi".into());
        }
        let abbreviation_hint = match raw.to_ascii_uppercase().as_str() {
            "EAT" => Some("Africa/Nairobi"),
            "CAT" => Some("Africa/Maputo"),
            "WAT" => Some("Africa/Lagos"),
            "GMT" | "UTC" | "Z" => None,
            _ => None,
        };
        let is_iana_shaped = raw == "UTC" || raw.contains('/');
        match (raw.parse::<chrono_tz::Tz>(), is_iana_shaped) {
            (Ok(tz), true) => Ok(TimeZone(tz.name().to_string())),
            _ => {
                let hint = abbreviation_hint
                    .map(|h| format!(" (for {raw} use {h})"))
                    .unwrap_or_default();
                Err(format!(
                    "'{raw}' is not an IANA time zone name such as Africa/Nairobi{hint}"
                ))
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.0.parse().unwrap_or(chrono_tz::UTC)
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        TimeZone::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verticals_are_closed_and_listed() {
        assert_eq!(Vertical::parse("spa"), Ok(Vertical::Spa));
        assert_eq!(Vertical::parse("Barber"), Ok(Vertical::Barber));
        let err = Vertical::parse("bakery").expect_err("closed set");
        assert!(err.contains("allowed: spa, salon, barber, nails"), "{err}");
    }

    #[test]
    fn locales() {
        for (raw, want) in [
            ("en", "en"),
            ("sw", "sw"),
            ("en-KE", "en-KE"),
            ("sw-ke", "sw-KE"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
        ] {
            assert_eq!(Locale::parse(raw).expect(raw).as_str(), want);
        }
        assert!(Locale::parse("en_KE")
            .expect_err("underscore")
            .contains("en-KE"));
        for bad in ["", "english", "e", "en-", "en-K", "1n"] {
            assert!(Locale::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones() {
        assert_eq!(
            TimeZone::parse("Africa/Nairobi").expect("iana").as_str(),
            "Africa/Nairobi"
        );
        assert!(TimeZone::parse("UTC").is_ok());
        let err = TimeZone::parse("EAT").expect_err("abbreviation");
        assert!(err.contains("Africa/Nairobi"), "{err}");
        for bad in ["", "EST", "Africa/Narobi", "+03:00", "GMT+3"] {
            assert!(TimeZone::parse(bad).is_err(), "{bad}");
        }
    }
}

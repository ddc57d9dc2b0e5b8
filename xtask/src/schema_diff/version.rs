//! What version bump a verdict needs, the way Cargo reads versions: two
//! versions are compatible when their leftmost non-zero part is the same
//! (`^0.1.0` takes 0.1.5, not 0.2.0). A breaking change needs an
//! incompatible version (0.1.0 → 0.2.0, 1.2.3 → 2.0.0); an additive one a
//! new feature release (1.2.3 → 1.3.0; in 0.x any later version, 0.1.0 →
//! 0.1.1); a cosmetic one any later version (the docs the crate carries
//! changed).

use semver::{Version, VersionReq};

use super::Class;

/// The smallest version after `base` that `class` allows.
pub fn next_version(base: &Version, class: Class) -> Version {
    let (major, minor, patch) = (base.major, base.minor, base.patch);
    match class {
        Class::Breaking if major > 0 => Version::new(major + 1, 0, 0),
        Class::Breaking if minor > 0 => Version::new(0, minor + 1, 0),
        Class::Additive if major > 0 => Version::new(major, minor + 1, 0),
        _ => Version::new(major, minor, patch + 1),
    }
}

/// How far one version is from another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Not later.
    None,
    /// Later and compatible, without a new minor version at 1.0 and above.
    Patch,
    /// A new minor version, compatible (1.0 and above only).
    Minor,
    /// Incompatible in Cargo's sense.
    Major,
}

impl Bump {
    /// The bump from `base` to `new`.
    pub fn between(base: &Version, new: &Version) -> Bump {
        if new <= base {
            return Bump::None;
        }
        let compatible = VersionReq::parse(&format!("^{base}"))
            .map(|req| req.matches(new))
            .unwrap_or(false);
        if !compatible {
            Bump::Major
        } else if base.major > 0 && new.minor > base.minor {
            Bump::Minor
        } else {
            Bump::Patch
        }
    }

    /// The least bump `class` needs from `base`.
    pub fn needed(base: &Version, class: Option<Class>) -> Bump {
        match class {
            None => Bump::None,
            Some(class) => Bump::between(base, &next_version(base, class)),
        }
    }
}

/// The outcome of comparing the version at the base with the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionCheck {
    /// The version at the base.
    pub base: Version,
    /// The version now.
    pub current: Version,
    /// The worst change.
    pub verdict: Option<Class>,
}

impl VersionCheck {
    /// Whether `current` is bumped at least as far as the verdict needs.
    pub fn passes(&self) -> bool {
        Bump::between(&self.base, &self.current) >= Bump::needed(&self.base, self.verdict)
    }

    /// The outcome in words.
    pub fn words(&self, base_label: &str) -> String {
        let (base, current) = (&self.base, &self.current);
        let Some(class) = self.verdict else {
            return format!("no schema changes since {base_label}: version {current} (was {base}) needs no bump");
        };
        let next = next_version(base, class);
        if self.passes() {
            format!("the changes since {base_label} are {class}: version {current} (was {base}) is bumped far enough (at least {next} needed)")
        } else {
            format!("the changes since {base_label} are {class}: generated/Cargo.toml says version {current} (was {base} at {base_label}); it must be at least {next}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn bumps_follow_cargo_compatibility() {
        assert_eq!(next_version(&v("0.1.0"), Class::Breaking), v("0.2.0"));
        assert_eq!(next_version(&v("0.1.3"), Class::Additive), v("0.1.4"));
        assert_eq!(next_version(&v("0.0.3"), Class::Breaking), v("0.0.4"));
        assert_eq!(next_version(&v("1.2.3"), Class::Breaking), v("2.0.0"));
        assert_eq!(next_version(&v("1.2.3"), Class::Additive), v("1.3.0"));
        assert_eq!(next_version(&v("1.2.3"), Class::Cosmetic), v("1.2.4"));
        assert_eq!(Bump::between(&v("0.1.0"), &v("0.1.9")), Bump::Patch);
        assert_eq!(Bump::between(&v("0.1.0"), &v("0.2.0")), Bump::Major);
        assert_eq!(Bump::between(&v("1.1.0"), &v("1.2.0")), Bump::Minor);
        assert_eq!(Bump::between(&v("1.1.0"), &v("1.1.0")), Bump::None);
        let check = |base, current, verdict| {
            VersionCheck {
                base: v(base),
                current: v(current),
                verdict,
            }
            .passes()
        };
        assert!(!check("0.1.0", "0.1.1", Some(Class::Breaking)));
        assert!(check("0.1.0", "0.2.0", Some(Class::Breaking)));
        assert!(check("0.1.0", "0.1.1", Some(Class::Additive)));
        assert!(!check("0.1.0", "0.1.0", Some(Class::Cosmetic)));
        assert!(check("0.1.0", "0.1.0", None));
        assert!(!check("1.0.0", "1.0.1", Some(Class::Additive)));
        assert!(check("1.0.0", "1.1.0", Some(Class::Additive)));
        assert!(check("0.0.1", "0.0.2", Some(Class::Breaking)));
    }
}

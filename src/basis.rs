//! The 2N-state basis: Dirac or Majorana nature, neutrino or antineutrino, block order and the
//! state labels of scenario.md (docs/physics.md, "Basis").
//!
//! States are ordered block A (the active helicity: e, μ, τ) then block B (the other helicity,
//! same flavour order). [`Basis`] fixes which physical states the blocks hold; the Hamiltonian
//! assembly branches on it once, nowhere else.

use std::fmt;

/// Dirac or Majorana neutrinos (scenario spelling: `"dirac"`, `"majorana"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Nature {
    Dirac,
    Majorana,
}

/// Which helicity of a Dirac field is the active one followed as block A.
///
/// Scenario spelling: `"neutrino"`, `"antineutrino"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Particle {
    Neutrino,
    Antineutrino,
}

/// The three kinds of 2N-state basis of docs/physics.md ("Basis").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// Block A: ν_α (helicity −1, active); block B: ν_αR (helicity +1, sterile).
    DiracNeutrino,
    /// Block A: ν̄_α (helicity +1, active); block B: ν̄_αL (helicity −1, sterile).
    DiracAntineutrino,
    /// Block A: ν_α (helicity −1); block B: ν̄_α (helicity +1), the antineutrinos.
    Majorana,
}

/// Error for a nature/particle combination that has no basis.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "particle = \"antineutrino\" is not allowed with nature = \"majorana\": block B already holds the antineutrinos"
)]
pub struct MajoranaAntineutrinoError;

impl Basis {
    /// The basis for a nature and a particle choice.
    pub fn new(nature: Nature, particle: Particle) -> Result<Self, MajoranaAntineutrinoError> {
        match (nature, particle) {
            (Nature::Dirac, Particle::Neutrino) => Ok(Basis::DiracNeutrino),
            (Nature::Dirac, Particle::Antineutrino) => Ok(Basis::DiracAntineutrino),
            (Nature::Majorana, Particle::Neutrino) => Ok(Basis::Majorana),
            (Nature::Majorana, Particle::Antineutrino) => Err(MajoranaAntineutrinoError),
        }
    }

    /// The nature of the neutrinos in this basis.
    pub fn nature(self) -> Nature {
        match self {
            Basis::Majorana => Nature::Majorana,
            _ => Nature::Dirac,
        }
    }

    /// Label prefixes of block A and block B (docs/scenario.md, `[neutrino]`, "State labels").
    pub fn block_prefixes(self) -> (&'static str, &'static str) {
        match self {
            Basis::DiracNeutrino => ("nu", "nuR"),
            Basis::DiracAntineutrino => ("nubar", "nubarL"),
            Basis::Majorana => ("nu", "nubar"),
        }
    }

    /// Whether block B is sterile (feels no matter): true for both Dirac bases.
    pub fn block_b_is_sterile(self) -> bool {
        self != Basis::Majorana
    }
}

/// Flavour names in basis order.
pub const FLAVOUR_KEYS: [&str; 3] = ["e", "mu", "tau"];

/// Number of flavours, 2 (e, μ) or 3 (e, μ, τ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavours {
    Two,
    Three,
}

impl Flavours {
    /// From the scenario's `flavours = 2 | 3`.
    pub fn from_count(n: usize) -> Option<Self> {
        match n {
            2 => Some(Flavours::Two),
            3 => Some(Flavours::Three),
            _ => None,
        }
    }

    /// N, the number of flavours.
    pub fn count(self) -> usize {
        match self {
            Flavours::Two => 2,
            Flavours::Three => 3,
        }
    }

    /// 2N, the dimension of the spin-flavour state space.
    pub fn dim(self) -> usize {
        2 * self.count()
    }
}

impl fmt::Display for Flavours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.count())
    }
}

/// The labels of all 2N basis states in basis order, e.g. `nu_e, nu_mu, nuR_e, nuR_mu`.
pub fn state_labels(basis: Basis, flavours: Flavours) -> Vec<String> {
    let (a, b) = basis.block_prefixes();
    let keys = &FLAVOUR_KEYS[..flavours.count()];
    keys.iter()
        .map(|k| format!("{a}_{k}"))
        .chain(keys.iter().map(|k| format!("{b}_{k}")))
        .collect()
}

/// The basis index of a state label, or `None` if the label does not belong to this basis.
pub fn state_index(basis: Basis, flavours: Flavours, label: &str) -> Option<usize> {
    state_labels(basis, flavours)
        .iter()
        .position(|l| l == label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_block_order() {
        assert_eq!(
            state_labels(Basis::Majorana, Flavours::Three),
            [
                "nu_e",
                "nu_mu",
                "nu_tau",
                "nubar_e",
                "nubar_mu",
                "nubar_tau"
            ]
        );
        assert_eq!(
            state_labels(Basis::DiracAntineutrino, Flavours::Two),
            ["nubar_e", "nubar_mu", "nubarL_e", "nubarL_mu"]
        );
        assert_eq!(
            state_index(Basis::DiracNeutrino, Flavours::Two, "nuR_mu"),
            Some(3)
        );
        assert_eq!(
            state_index(Basis::DiracNeutrino, Flavours::Two, "nu_tau"),
            None
        );
    }

    #[test]
    fn majorana_antineutrino_is_rejected() {
        assert!(Basis::new(Nature::Majorana, Particle::Antineutrino).is_err());
    }
}

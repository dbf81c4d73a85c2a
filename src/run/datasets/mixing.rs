//! `/mixing/*`: the masses, PMNS matrix and mass matrix of a mixing given by
//! `[mixing] mass_matrix_ev` (the fit itself lives in [`crate::mass_matrix`]).

use crate::basis::Nature;
use crate::mass_matrix::Ordering;
use crate::mixing::{FlavourMatrix, Mixing};
use crate::output::DerivedDataset;

/// The whole-run datasets of a mixing from a mass matrix (none otherwise): `/mixing/masses_ev`
/// `[3]`, `/mixing/pmns` and `/mixing/mass_matrix_ev` `[3, 3, 2]` (re, im), the PDG
/// parameters as attributes of `/mixing/pmns`.
pub fn derived_datasets(mixing: &Mixing) -> Vec<DerivedDataset> {
    let Some(fit) = mixing.mass_matrix() else {
        return Vec::new();
    };
    let complex3 = |m: &FlavourMatrix| -> Vec<f64> {
        (0..3)
            .flat_map(|r| (0..3).flat_map(move |c| [m[(r, c)].re, m[(r, c)].im]))
            .collect()
    };
    let ordering = match fit.ordering {
        Ordering::Normal => "normal",
        Ordering::Inverted => "inverted",
    };
    let nature = match fit.nature {
        Nature::Dirac => "dirac (M = U diag(m) W^dagger)",
        Nature::Majorana => "majorana (M = U^* diag(m) U^dagger)",
    };
    let p = fit.pdg;
    let dm2 = mixing.dm2_ev2();
    vec![
        DerivedDataset {
            path: "mixing/masses_ev".into(),
            unit: "eV".into(),
            description: "masses m1, m2, m3 from [mixing] mass_matrix_ev".into(),
            shape: vec![3],
            values: fit.masses_ev.to_vec(),
            f64_attrs: vec![("dm21_ev2".into(), dm2[1]), ("dm31_ev2".into(), dm2[2])],
            text_attrs: vec![("ordering".into(), ordering.into())],
        },
        DerivedDataset {
            path: "mixing/pmns".into(),
            unit: "1".into(),
            description: "U[alpha][i] (re, im) diagonalising [mixing] mass_matrix_ev; attributes: its PDG parameters"
                .into(),
            shape: vec![3, 3, 2],
            values: complex3(&fit.pmns),
            f64_attrs: vec![
                ("theta12_deg".into(), p.theta12_deg),
                ("theta13_deg".into(), p.theta13_deg),
                ("theta23_deg".into(), p.theta23_deg),
                ("delta_cp_deg".into(), p.delta_cp_deg),
                ("alpha21_deg".into(), p.majorana_phases_deg[0]),
                ("alpha31_deg".into(), p.majorana_phases_deg[1]),
            ],
            text_attrs: vec![("convention".into(), nature.into())],
        },
        DerivedDataset {
            path: "mixing/mass_matrix_ev".into(),
            unit: "eV".into(),
            description: "[mixing] mass_matrix_ev as given (re, im)".into(),
            shape: vec![3, 3, 2],
            values: complex3(&fit.matrix_ev),
            f64_attrs: Vec::new(),
            text_attrs: Vec::new(),
        },
    ]
}

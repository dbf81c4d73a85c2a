//! Solar end to end (issue 4; docs/physics.md, "Built-in media" and "How the physics is checked"):
//! 8B neutrinos at 10 MeV from the BS05(OP) Sun, averaged over the production region and a 1 %
//! energy bin, against the adiabatic formula P_ee = s13⁴ + c13⁴ (½ + ½ cos 2θ12 cos 2θ12ᵐ(r₀)).

use crate::common;

use std::path::Path;

use rayon::prelude::*;

use nuspin::medium::Side;
use nuspin::run::solve_energy;
use nuspin::scenario::parse;
use nuspin::units::R_SUN_KM;

fn scenario_text(energies: &[f64]) -> String {
    let values: Vec<String> = energies.iter().map(|e| format!("{e}")).collect();
    format!(
        r#"
name = "solar-test"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e"]
[energy]
values_mev = [{}]
[medium]
kind = "solar"
production_average = true
[output]
profile_samples = 0
"#,
        values.join(", ")
    )
}

#[test]
fn b8_at_10_mev_follows_the_adiabatic_formula() {
    let energies: Vec<f64> = (0..11).map(|i| 9.95 + 0.01 * i as f64).collect();
    let scenario = parse(Path::new("solar.toml"), &scenario_text(&energies)).unwrap();
    let p_ee: Vec<f64> = (0..energies.len())
        .into_par_iter()
        .map(|i| {
            let r = solve_energy(&scenario, i).unwrap();
            assert!(r.unitarity_error < 1e-10);
            let sum: f64 = r.probability.iter().sum();
            assert!((sum - 1.0).abs() < 1e-6, "sum {sum}");
            r.probability[0]
        })
        .collect();
    let averaged = p_ee.iter().sum::<f64>() / p_ee.len() as f64;

    let ne = scenario
        .medium
        .point(0.05 * R_SUN_KM, Side::Right)
        .unwrap()
        .ne_cm3;
    let formula = common::adiabatic_solar_pee(ne, 10.0);
    eprintln!("P_ee averaged {averaged:.5}, adiabatic formula {formula:.5}");
    assert!(
        (averaged - formula).abs() < 1e-2,
        "P_ee averaged {averaged:.4}, adiabatic formula {formula:.4}"
    );
}

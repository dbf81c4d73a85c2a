//! The turbulent supernova of the turbulence tests, `examples/turbulence_steps.rs` and the
//! steps-per-energy table of BENCHMARKS.md: the r⁻³ envelope (ρ₀ = 1e4 g/cm³ at 1e4 km, Y_e =
//! 0.5, out to 1e5 km) with a reverse shock at 1.2e4 km (density ×0.5 behind it) and a
//! forward shock at 4e4 km (×10), so the H resonance of 5–40 MeV neutrinos lies in the
//! turbulent region between them ([`REGION_KM`], the default `region_km` of the supernova).

/// The region between the shocks, where `[turbulence]` acts by default.
pub const REGION_KM: (f64, f64) = (1.2e4, 4e4);

/// The scenario text: 3ν Dirac ν_e at `energies_mev`, the two-shock envelope, `method` at
/// rtol 1e-6 / atol 1e-8, then `tables` verbatim (e.g. a `[turbulence]` table, or nothing).
pub fn supernova_toml(method: &str, energies_mev: &[f64], tables: &str) -> String {
    format!(
        r#"
name = "turbulent-sn"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e"]
[energy]
values_mev = {energies_mev:?}
[medium]
kind = "supernova"
rho0_g_cm3 = 1e4
r0_km = 1e4
index = 3
ye = 0.5
r_max_km = 1e5
shock_km = 4e4
shock_jump = 10
reverse_shock_km = 1.2e4
reverse_shock_jump = 0.5
[solver]
method = "{method}"
rtol = 1e-6
atol = 1e-8
{tables}
"#
    )
}

/// A `[turbulence]` table with density turbulence of amplitude `c_star` and cut-offs
/// `long_km` (λ*) and `short_km` (Kolmogorov index, 100 modes, seed 1).
pub fn density_table(c_star: f64, long_km: f64, short_km: f64) -> String {
    format!(
        "[turbulence]\ndensity = {{ amplitude = {c_star}, long_cutoff_km = {long_km}, short_cutoff_km = {short_km} }}"
    )
}

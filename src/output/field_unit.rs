//! The unit of a scenario field, read from its name (`medium.b0_gauss` → `G`): the `unit`
//! attribute of the `/scan/<field>` axis datasets.

/// Name suffixes and their units, longest first where one ends another.
const SUFFIXES: [(&str, &str); 15] = [
    ("_g_cm3", "g/cm^3"),
    ("_cm3", "cm^-3"),
    ("_cm2", "cm^2"),
    ("_rad_per_km", "rad/km"),
    ("_rad_s", "rad/s"),
    ("_rad", "rad"),
    ("_deg", "deg"),
    ("_mev", "MeV"),
    ("_ev2", "eV^2"),
    ("_ev", "eV"),
    ("_km", "km"),
    ("_gauss", "G"),
    ("_mu_b", "mu_B"),
    ("_rsun", "R_sun"),
    ("_e", "e"),
];

/// The unit of the scenario field `table.field[.key]`: the first component, from the last,
/// whose name ends in a unit suffix; velocities (`v_par`, `v_perp`) are in units of c;
/// everything else is dimensionless, `"1"`.
pub fn unit_of_field(field: &str) -> &'static str {
    for part in field.rsplit('.') {
        if part == "v_par" || part == "v_perp" {
            return "c";
        }
        if let Some((_, unit)) = SUFFIXES.iter().find(|(s, _)| part.ends_with(s)) {
            return unit;
        }
    }
    "1"
}

#[cfg(test)]
mod tests {
    use super::unit_of_field;

    #[test]
    fn units_from_field_names() {
        for (field, unit) in [
            ("medium.b0_gauss", "G"),
            ("moments.magnetic_mu_b.e_mu", "mu_B"),
            ("mixing.theta12_deg", "deg"),
            ("mixing.dm21_ev2", "eV^2"),
            ("mixing.lightest_mass_ev", "eV"),
            ("medium.rho0_g_cm3", "g/cm^3"),
            ("medium.ne_cm3", "cm^-3"),
            ("medium.twist_rad_per_km", "rad/km"),
            ("medium.omega_rad_s", "rad/s"),
            ("medium.shock_km", "km"),
            ("detector.millicharge_e", "e"),
            ("detector.charge_radius_cm2.e", "cm^2"),
            ("medium.v_par", "c"),
            ("medium.ye", "1"),
            ("solver.rtol", "1"),
            ("medium.index", "1"),
            ("arrival.energy_resolution", "1"),
        ] {
            assert_eq!(unit_of_field(field), unit, "{field}");
        }
    }
}

mod evolve_common;
use evolve_common::*;
use nuspin::evolve::Method;
use nuspin::prelude::*;

#[test]
fn smoke_const() {
    for (name, model, b) in [
        (
            "maj mu B",
            model3(Basis::Majorana, Some(("e_mu", 1e-12))),
            1e10,
        ),
        ("maj noB", model3(Basis::Majorana, None), 0.0),
        ("dirac", model3(Basis::DiracNeutrino, None), 0.0),
    ] {
        let med = supernova(b, None, 1.0);
        let h = ham::<6>(&model, 20.0, &med);
        for rtol in [1e-8, 1e-10] {
            let t = std::time::Instant::now();
            let d = run(&h, 1e4, 1.01e4, Method::Dop853, rtol);
            println!("{name} dop {rtol} {:?} {:?}", d.stats, t.elapsed());
        }
        let hm =
            nuspin::hamiltonian::PathHamiltonian::h(&h, 1e4, nuspin::medium::Side::Right).unwrap();
        println!("{:.3e}", hm.diagonal().transpose());
    }
}

//! A homogeneous medium: the same [`MediumPoint`] everywhere.

use super::{Medium, MediumError, MediumPoint, MediumPointError, PresentQuantities, Side};

/// The same quantities at every x.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstantMedium {
    point: MediumPoint,
}

impl ConstantMedium {
    /// A constant medium; the point is validated here, once.
    pub fn new(point: MediumPoint) -> Result<Self, MediumPointError> {
        point.validate()?;
        Ok(ConstantMedium { point })
    }

    /// The medium's quantities.
    pub fn point_value(&self) -> &MediumPoint {
        &self.point
    }
}

impl Medium for ConstantMedium {
    fn point(&self, _x_km: f64, _side: Side) -> Result<MediumPoint, MediumError> {
        Ok(self.point)
    }

    fn point_and_slope(
        &self,
        _x_km: f64,
        _side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        Ok((self.point, MediumPoint::default()))
    }

    fn breakpoints(&self) -> Vec<f64> {
        Vec::new()
    }

    fn present_quantities(&self) -> PresentQuantities {
        PresentQuantities::of_point(&self.point)
    }

    fn is_piecewise_constant(&self) -> bool {
        true
    }
}

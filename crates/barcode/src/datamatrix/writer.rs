//! Laying a planned Data Matrix out as modules, and the symbol's own output helpers.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::DataMatrixSymbol;
use crate::error::{EncodeError, RenderError};
use crate::matrix::ModuleMatrix;
use crate::render::RenderOptions;

/// The quiet zone GS1 DataMatrix gets by default, in modules (the minimum is 1).
pub const QUIET_ZONE: usize = 2;

/// Places the codewords (finder pattern, timing, module placement) into a matrix.
pub(crate) fn place(dm: &datamatrix::DataMatrix) -> Result<ModuleMatrix, EncodeError> {
    let bitmap =
        catch_unwind(AssertUnwindSafe(|| dm.bitmap())).map_err(|_| EncodeError::Internal)?;
    ModuleMatrix::from_modules(bitmap.width(), bitmap.bits().to_vec())
        .map(|m| m.with_quiet_zone(QUIET_ZONE))
        .ok_or(EncodeError::Internal)
}

impl DataMatrixSymbol {
    /// The symbol as an SVG document.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap();
    /// assert!(s.to_svg(&Default::default()).unwrap().contains("viewBox=\"0 0 20 20\""));
    /// ```
    pub fn to_svg(&self, opts: &RenderOptions) -> Result<String, RenderError> {
        self.matrix().to_svg(opts)
    }

    /// The symbol as a greyscale PNG.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::datamatrix::encode(&m, &Default::default()).unwrap();
    /// assert_eq!(&s.to_png(&Default::default()).unwrap()[1..4], b"PNG");
    /// ```
    pub fn to_png(&self, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
        self.matrix().to_png(opts)
    }
}

//! PDF wristbands via `printpdf`: one page per band at the band's exact physical size, the
//! GS1 DataMatrix and GS1-128 as vector rectangles (not bitmaps), text in the embedded
//! font, subset into the file. Print at 100 % ("actual size") on laser wristband sheets or
//! use it as a preview.
//!
//! ```
//! use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
//! use bedside_printer::pdf::{render, PdfOptions};
//! use bedside_patient::{NhsNumber, TestData};
//! let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Nguyễn", "Zoë"))?;
//! let pdf = render(&Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?, &PdfOptions::default())?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use printpdf::{
    Color, Greyscale, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Pt, Rect, TextItem as PdfText, TextMatrix,
};
use thiserror::Error;

use crate::layout::{FONT_TTF, Item, Layout, TextItem};

/// Why a PDF could not be made.
///
/// ```
/// use bedside_printer::pdf::PdfError;
/// assert!(PdfError::Copies { copies: 0 }.to_string().contains("copies"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The embedded font could not be parsed (a build defect).
    #[error("the embedded font could not be parsed for PDF")]
    Font,
    /// Copies outside 1..=99.
    #[error("copies {copies}: between 1 and 99")]
    Copies {
        /// Requested copies.
        copies: u32,
    },
}

/// Document options.
///
/// ```
/// assert_eq!(bedside_printer::pdf::PdfOptions::default().copies, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfOptions {
    /// Pages (one band each).
    pub copies: u32,
    /// Document title (metadata). Never patient data by default.
    pub title: String,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            copies: 1,
            title: "Bedside wristband".to_owned(),
        }
    }
}

const PT_PER_MM: f32 = 72.0 / 25.4;

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}

/// A filled rectangle in band dots (x across, y along from the top of the page).
fn rect(layout: &Layout, x: u32, y: u32, w: u32, h: u32) -> Op {
    let page_h = layout.media().length_mm;
    let x_mm = layout.mm(x);
    let top_mm = layout.mm(y);
    let h_mm = layout.mm(h);
    Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(x_mm * PT_PER_MM),
            y: Pt((page_h - top_mm - h_mm) * PT_PER_MM),
            width: Pt(layout.mm(w) * PT_PER_MM),
            height: Pt(h_mm * PT_PER_MM),
            mode: Some(PaintMode::Fill),
            winding_order: None,
        },
    }
}

fn text_ops(
    ops: &mut Vec<Op>,
    layout: &Layout,
    t: &TextItem,
    font: &printpdf::FontId,
    metrics: (f32, f32, f32),
) {
    let (ascent, descent, upem) = metrics;
    let h_mm = layout.mm(t.height_dots);
    // The same cell height as the layout measured with: ascent − descent = h.
    let size_pt = h_mm * PT_PER_MM * upem / (ascent - descent);
    let descent_mm = h_mm * (-descent) / (ascent - descent);
    let baseline_x_mm = layout.mm(t.x) + descent_mm;
    let start_y_mm = layout.media().length_mm - layout.mm(t.y);
    ops.push(Op::SaveGraphicsState);
    if t.reverse {
        let pad = (t.height_dots / 6).max(2);
        ops.push(Op::SetFillColor { col: grey(0.0) });
        ops.push(rect(
            layout,
            t.x.saturating_sub(pad),
            t.y.saturating_sub(pad),
            t.height_dots + 2 * pad,
            t.length_dots + 2 * pad,
        ));
    }
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFillColor {
        col: grey(if t.reverse { 1.0 } else { 0.0 }),
    });
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(font.clone()),
        size: Pt(size_pt),
    });
    // Reading direction down the page (along the band), glyph tops towards +x.
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::TranslateRotate(
            Pt(baseline_x_mm * PT_PER_MM),
            Pt(start_y_mm * PT_PER_MM),
            -90.0,
        ),
    });
    ops.push(Op::ShowText {
        items: vec![PdfText::Text(t.text.clone())],
    });
    ops.push(Op::EndTextSection);
    ops.push(Op::RestoreGraphicsState);
}

/// Renders a layout as a PDF: `copies` pages, each exactly the band's size.
///
/// ```
/// use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
/// use bedside_printer::pdf::{render, PdfOptions};
/// use bedside_patient::{NhsNumber, TestData};
/// let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
/// let l = Layout::new(&band, BandSize::Child, Resolution::Dpi203)?;
/// let pdf = render(&l, &PdfOptions { copies: 2, ..PdfOptions::default() })?;
/// assert!(pdf.len() < 200_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(layout: &Layout, opts: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    if !(1..=99).contains(&opts.copies) {
        return Err(PdfError::Copies {
            copies: opts.copies,
        });
    }
    let parsed = ParsedFont::from_bytes(FONT_TTF, 0, &mut Vec::new()).ok_or(PdfError::Font)?;
    let face = ab_glyph::FontRef::try_from_slice(FONT_TTF).map_err(|_| PdfError::Font)?;
    let metrics = {
        use ab_glyph::Font as _;
        (
            face.ascent_unscaled(),
            face.descent_unscaled(),
            face.units_per_em().ok_or(PdfError::Font)?,
        )
    };
    let mut doc = PdfDocument::new(&opts.title);
    let font = doc.add_font(&parsed);

    let mut ops = Vec::new();
    ops.push(Op::SetFillColor { col: grey(0.0) });
    for item in layout.items() {
        match item {
            Item::DataMatrix(d) => {
                let m = &d.matrix;
                let off = (d.zpl_size as usize).saturating_sub(m.width()) as u32 / 2;
                let offy = (d.zpl_size as usize).saturating_sub(m.height()) as u32 / 2;
                // One rectangle per horizontal run of dark modules.
                for run in m.runs() {
                    ops.push(rect(
                        layout,
                        d.x + (off + run.x as u32) * d.module_dots,
                        d.y + (offy + run.y as u32) * d.module_dots,
                        run.len as u32 * d.module_dots,
                        d.module_dots,
                    ));
                }
            }
            Item::Linear(l) => {
                let mut i = 0;
                while i < l.modules.len() {
                    if l.modules[i] {
                        let start = i;
                        while i < l.modules.len() && l.modules[i] {
                            i += 1;
                        }
                        ops.push(rect(
                            layout,
                            l.x,
                            l.y + start as u32 * l.module_dots,
                            l.bar_dots,
                            (i - start) as u32 * l.module_dots,
                        ));
                    } else {
                        i += 1;
                    }
                }
            }
            Item::Text(t) => {
                text_ops(&mut ops, layout, t, &font, metrics);
                ops.push(Op::SetFillColor { col: grey(0.0) });
            }
        }
    }
    let pages = (0..opts.copies)
        .map(|_| {
            PdfPage::new(
                Mm(layout.media().width_mm),
                Mm(layout.media().length_mm),
                ops.clone(),
            )
        })
        .collect();
    let save = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    Ok(doc.with_pages(pages).save(&save, &mut Vec::new()))
}

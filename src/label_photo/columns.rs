//! A list printed in two columns, put one under the other before it is read. Tesseract reads
//! a uniform block (page mode 6) line by line across the whole width, so a two-column list came
//! out with its columns' lines interleaved: the end of the list read among its first names,
//! where it weighs most, and the product lost to others holding those names higher up.

use image::GrayImage;

/// Darker than this, in a prepared (stretched) picture, is ink.
const INK_BELOW: u8 = 128;
/// This much darker than the band's paper is faint ink: type under a glare stripe, lighter
/// than `INK_BELOW`, is no gap between columns; the paper's grain (a few levels) is.
const FAINT_DEPTH: u8 = 60;
/// The share of a gap's pixels that may be faint ink (grain).
const FAINT_SHARE: f64 = 0.03;
/// A column of a band counts as inked with this many ink pixels: a speck of grain is not type.
const INK_PIXELS: u16 = 2;
/// How wide the gap between the columns must be, in lines: word spaces are a fraction of
/// a line, a label's gutter about one.
const GUTTER_LINES: f64 = 0.6;
/// How many bands (each a line tall) must be split by the same gap, with type either side.
const LEAST_SPLIT_BANDS: usize = 3;
/// The share of those bands whose right-hand type starts at one x (within a quarter line): a
/// second column is set flush left.
const ALIGNED_SHARE: f64 = 0.5;

/// Where a picture's two columns are: the rows they share and the column the right one
/// starts at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TwoColumns {
    rows: std::ops::Range<u32>,
    right_starts: u32,
}

/// Per column of a band of rows, prefix sums (entry `x` counts columns `0..x`): columns with
/// ink, columns dark from top to bottom, pixels of faint ink.
struct Before {
    inked: Vec<u32>,
    solid: Vec<u32>,
    faint: Vec<u32>,
}

/// `picture` with a list set in two columns rearranged to one: what is above them, the left
/// column, the right column, what is below them. A picture without two columns is returned
/// as it is. `pitch` is the picture's line pitch in pixels.
pub fn in_turn(picture: GrayImage, pitch: f64) -> GrayImage {
    match two_columns(&picture, pitch) {
        Some(columns) => stacked(&picture, &columns),
        None => picture,
    }
}

fn two_columns(picture: &GrayImage, pitch: f64) -> Option<TwoColumns> {
    let (width, height) = picture.dimensions();
    let band = (pitch.round() as u32).max(8);
    let gutter = ((pitch * GUTTER_LINES).round() as usize).max(4);
    let w = width as usize;
    if w < 8 * gutter || height < band * LEAST_SPLIT_BANDS as u32 {
        return None;
    }
    // Per band, per column: how many inked columns lie left of it, and how many pixels of
    // faint ink (prefix sums), so that "no ink in this window" and "type on this side" are a
    // subtraction each.
    let raw = picture.as_raw();
    let bands: Vec<Before> = (0..(height / band) as usize)
        .map(|b| {
            let rows = &raw[b * band as usize * w..(b + 1) * band as usize * w];
            let faint_below = paper_level(rows).saturating_sub(FAINT_DEPTH);
            let (mut ink, mut faint) = (vec![0u16; w], vec![0u32; w]);
            for row in rows.chunks_exact(w) {
                for (x, value) in row.iter().enumerate() {
                    ink[x] += u16::from(*value < INK_BELOW);
                    faint[x] += u32::from(*value < faint_below);
                }
            }
            let solid_from = (band * 9 / 10) as u16;
            let mut before = Before {
                inked: vec![0; w + 1],
                solid: vec![0; w + 1],
                faint: vec![0; w + 1],
            };
            for x in 0..w {
                before.inked[x + 1] = before.inked[x] + u32::from(ink[x] >= INK_PIXELS);
                before.solid[x + 1] = before.solid[x] + u32::from(ink[x] >= solid_from);
                before.faint[x + 1] = before.faint[x] + faint[x];
            }
            before
        })
        .collect();
    let most_faint = (FAINT_SHARE * (gutter as u32 * band) as f64) as u32;
    let free = |b: usize, from: usize, to: usize| {
        let band = &bands[b];
        band.inked[to] == band.inked[from] && band.faint[to] - band.faint[from] <= most_faint
    };
    let inked = |b: usize, from: usize, to: usize| bands[b].inked[to] - bands[b].inked[from];
    let side = w * 35 / 100;
    // Whether `from..to` of band `b` holds type: inked columns, more of them with paper
    // between strokes than dark from top to bottom (the table beside a label).
    let type_in = |b: usize, from: usize, to: usize| {
        let solid = bands[b].solid[to] - bands[b].solid[from];
        let strokes = (inked(b, from, to) - solid) as usize;
        strokes >= gutter && strokes >= 2 * solid as usize
    };
    // Whether band `b` has type either side of the gap at `x` (which it does not cross).
    let split_at = |b: usize, x: usize| {
        let (from, to) = (x - gutter / 2, x + gutter / 2);
        type_in(b, from.saturating_sub(side), from) && type_in(b, to, (to + side).min(w))
    };
    // The best gap: for each x in the middle half, the longest run of bands the window at x
    // crosses no ink in, counted by its bands with type either side.
    let mut best: Option<(usize, usize, std::ops::Range<usize>)> = None;
    for x in (w / 4..w * 3 / 4).step_by(2) {
        let (from, to) = (x - gutter / 2, x + gutter / 2);
        let mut run_start = 0;
        let mut split = 0;
        for b in 0..=bands.len() {
            if b < bands.len() && free(b, from, to) {
                split += usize::from(split_at(b, x));
                continue;
            }
            if best.as_ref().is_none_or(|(_, most, _)| split > *most) {
                best = Some((x, split, run_start..b));
            }
            run_start = b + 1;
            split = 0;
        }
    }
    let (x, split, run) = best?;
    if split < LEAST_SPLIT_BANDS {
        return None;
    }
    // The right column: the bands whose type right of the gap starts at one x, the most
    // bands' (the table around a label, or a name printed above the list, starts elsewhere).
    let to = x + gutter / 2;
    let starts: Vec<(usize, usize)> = run
        .clone()
        .filter(|&b| split_at(b, x))
        .filter_map(|b| Some((b, (to..w).find(|&c| inked(b, c, c + 1) > 0)?)))
        .collect();
    let near = (pitch / 4.0).max(2.0) as usize;
    let aligned_with = |start: usize| {
        starts
            .iter()
            .filter(move |(_, s)| s.abs_diff(start) <= near)
            .map(|(b, _)| *b)
    };
    let (column_start, aligned) = starts
        .iter()
        .map(|(_, s)| (*s, aligned_with(*s).count()))
        .max_by_key(|(s, count)| (*count, std::cmp::Reverse(*s)))?;
    if aligned < LEAST_SPLIT_BANDS || (aligned as f64) < ALIGNED_SHARE * starts.len() as f64 {
        return None;
    }
    let first = aligned_with(column_start).min()?;
    // The left column may run a line or two longer than the right.
    let last_right = aligned_with(column_start).max()?;
    let last = (last_right + 1..run.end)
        .take_while(|&b| inked(b, 0, x) > 0 && inked(b, to, (to + side).min(w)) == 0)
        .last()
        .unwrap_or(last_right);
    let rows = quiet_row_near(picture, first as u32 * band, band)
        ..quiet_row_near(picture, (last as u32 + 1) * band, band);
    Some(TwoColumns {
        rows,
        right_starts: column_start.saturating_sub(near) as u32,
    })
}

/// The paper's grey in `pixels`: their 90th percentile (type and a table around the label are
/// darker, and fewer).
fn paper_level(pixels: &[u8]) -> u8 {
    let mut histogram = [0usize; 256];
    for value in pixels {
        histogram[usize::from(*value)] += 1;
    }
    let mut darker = 0;
    for (level, count) in histogram.iter().enumerate() {
        darker += count;
        if darker * 10 >= pixels.len() * 9 {
            return level as u8;
        }
    }
    u8::MAX
}

/// The row within half a band of `row` with the least ink: where to cut between lines.
fn quiet_row_near(picture: &GrayImage, row: u32, band: u32) -> u32 {
    let from = row.saturating_sub(band / 2);
    let to = (row + band / 2).min(picture.height());
    (from..to)
        .min_by_key(|&y| {
            let ink = (0..picture.width())
                .filter(|&x| picture.get_pixel(x, y).0[0] < INK_BELOW)
                .count();
            (ink, y.abs_diff(row))
        })
        .unwrap_or(row.min(picture.height()))
}

/// The picture with its two columns one under the other, on white.
fn stacked(picture: &GrayImage, columns: &TwoColumns) -> GrayImage {
    let (width, height) = picture.dimensions();
    let rows = columns.rows.clone();
    let block = rows.end - rows.start;
    let mut out = GrayImage::from_pixel(width, height + block, image::Luma([255]));
    let part = |x, y, w, h| image::imageops::crop_imm(picture, x, y, w, h).to_image();
    let split = columns.right_starts;
    image::imageops::replace(&mut out, &part(0, 0, width, rows.start), 0, 0);
    image::imageops::replace(
        &mut out,
        &part(0, rows.start, split, block),
        0,
        rows.start.into(),
    );
    image::imageops::replace(
        &mut out,
        &part(split, rows.start, width - split, block),
        0,
        i64::from(rows.end),
    );
    image::imageops::replace(
        &mut out,
        &part(0, rows.end, width, height - rows.end),
        0,
        i64::from(rows.end + block),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A label of `lines` lines `pitch` apart, words of 40 px with 12 px spaces, in one
    /// column or in two with a gutter of a line's height; `faint` leaves the type of columns
    /// 280..330 too light to count as ink (a glare stripe).
    fn label(columns: u8, lines: u32, pitch: u32, faint: bool) -> GrayImage {
        let (width, margin) = (600, 30);
        let column = if columns == 2 {
            (width - 2 * margin - pitch) / 2
        } else {
            width - 2 * margin
        };
        GrayImage::from_fn(width, lines * pitch + 2 * margin, |x, y| {
            if y < margin || y >= margin + lines * pitch || y % pitch > pitch * 2 / 3 {
                return image::Luma([250]);
            }
            let line = (y - margin) / pitch;
            // Ragged line ends and staggered words, as wrapped text has.
            let length = column - (line * 37) % 90;
            let in_column =
                |x0: u32| x >= x0 && x < x0 + length && ((x - x0) + line * 17) % 52 < 40;
            let ink = in_column(margin) || (columns == 2 && in_column(margin + column + pitch));
            let faint_here = faint && (280..330).contains(&x);
            image::Luma([if !ink {
                250
            } else if faint_here {
                170
            } else {
                20
            }])
        })
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let picture = label(2, 12, 45, false);
        let found = two_columns(&picture, 45.0).expect("two columns");
        assert!(
            found.right_starts > 280 && found.right_starts <= 322,
            "{found:?}"
        );
        assert!(
            found.rows.start <= 45 && found.rows.end >= 30 + 12 * 45 - 20,
            "{found:?}"
        );
        let stacked = in_turn(picture.clone(), 45.0);
        assert_eq!(stacked.height(), picture.height() + found.rows.len() as u32);
        // The right column's first line now starts at the left edge below the left column.
        let right_first_line = found.rows.end + 5;
        assert!((0..40).any(|x| stacked.get_pixel(x, right_first_line).0[0] < INK_BELOW));
        assert!((300..600).all(|x| (found.rows.start..found.rows.end)
            .all(|y| stacked.get_pixel(x, y).0[0] >= INK_BELOW)));
    }

    #[test]
    fn one_column_or_a_glare_stripe_is_left_as_it_is() {
        assert_eq!(two_columns(&label(1, 12, 45, false), 45.0), None);
        assert_eq!(
            two_columns(&label(1, 12, 45, true), 45.0),
            None,
            "a stripe is no gutter"
        );
        assert_eq!(
            two_columns(&label(2, 2, 45, false), 45.0),
            None,
            "too few lines to tell"
        );
        // A one-column label on the right of a dark table: the label's margin is no gutter.
        let label = label(1, 12, 45, false);
        let on_a_table = GrayImage::from_fn(900, label.height(), |x, y| {
            if x < 300 {
                image::Luma([90 + ((x * 7 + y * 13) % 20) as u8])
            } else {
                *label.get_pixel(x - 300, y)
            }
        });
        assert_eq!(two_columns(&on_a_table, 45.0), None, "a table is no column");
    }
}

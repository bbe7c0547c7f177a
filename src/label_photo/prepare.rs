//! The picture made easy for Tesseract: upright (EXIF, in `check`), grey, scaled so the
//! label's lines of text are as far apart as Tesseract reads best (a phone photo is mostly
//! scaled down, which also makes OCR faster; small type is scaled up), turned level, its lines
//! bent straight, a glare stripe evened out, its contrast stretched. Each step was kept because
//! it measured better on the tuning photos (BENCHMARKS.md, "Label photos"); a 3 x 3 median
//! against noise measured worse, and evening the paper's light square by square measured no
//! better: neither is here.

use image::imageops::FilterType;
use image::GrayImage;

/// The distance from one line of text to the next that Tesseract reads best: its LSTM models
/// were trained on type about 30 to 35 pixels tall, lines about 1.35 times that apart.
pub const TARGET_LINE_PITCH: f64 = 45.0;
/// A photo whose lines cannot be found is brought to this width (a phone photo of a label
/// shows its type at about this scale).
pub const FALLBACK_WIDTH: u32 = 1800;

/// How a picture's light is evened across before OCR (`evened_across`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Light {
    /// Only a glare stripe is evened out: other changes of light across (a shadow to one
    /// side) a neighbourhood threshold follows, and evening them lost photos read before.
    GlareOnly,
    /// Every column's ink and paper are brought to the typical levels, band by band: the
    /// light falling off toward a bottle's edges too. Not read with by the app: every reading
    /// evened read 98 / 92 % first on the dev set against 98 / 94 % with the stripe only, and
    /// took longer (p50 1.25 / 1.36 s); the label photo report measures it
    /// (`LABEL_READINGS=45:6:s:kor+eng:e,...`).
    Evened,
}

/// `grey` prepared for OCR, its lines of text brought `target_pitch` pixels apart, its light
/// evened across as `light` says.
pub fn for_ocr(grey: GrayImage, target_pitch: f64, light: Light) -> GrayImage {
    let grey = dark_on_light(grey);
    let (width, height) = grey.dimensions();
    let factor = match line_pitch(&grey) {
        Some(pitch) => (target_pitch / pitch).clamp(0.25, 3.0),
        None => f64::from(FALLBACK_WIDTH) / f64::from(width.max(1)),
    };
    // Within 15 % the text is left as it is: resampling blurs it for nothing.
    let scaled = if (0.87..=1.15).contains(&factor) {
        grey
    } else {
        let new_width = ((f64::from(width) * factor).round() as u32).max(1);
        let new_height = ((f64::from(height) * factor).round() as u32).max(1);
        image::imageops::resize(&grey, new_width, new_height, FilterType::Triangle)
    };
    let prepared = stretched(evened_across(
        flattened(deskewed(scaled)),
        light,
        target_pitch,
    ));
    super::columns::in_turn(prepared, target_pitch)
}

/// The picture's top `share` of its height, across its whole width.
pub fn top_of(picture: &GrayImage, share: f64) -> GrayImage {
    let rows = ((share * f64::from(picture.height())).ceil() as u32)
        .max(1)
        .min(picture.height());
    image::imageops::crop_imm(picture, 0, 0, picture.width(), rows).to_image()
}

/// Below this median grey the paper is dark and the type light.
const DARK_PAPER: u8 = 110;

/// The picture with dark type on light paper: a list printed light on a dark label (a black
/// bottle) is turned to its negative, which is what Tesseract reads: it no longer tries each
/// poorly read line inverted (`ocr::recognise`), which cost a sixth of every read.
fn dark_on_light(mut grey: GrayImage) -> GrayImage {
    if median_grey(&grey) < DARK_PAPER {
        image::imageops::invert(&mut grey);
    }
    grey
}

/// How much brightness must change from one pixel to the next along a row to count as ink
/// (the edge of a stroke), not paper, table or shading.
const INK_CHANGE: u8 = 40;

/// How many strips the picture is cut into across, and the narrowest a strip may be, for
/// following the lines' bend.
const STRIPS: u32 = 12;
const NARROWEST_STRIP: u32 = 40;

/// The picture with its text lines bent straight: a label wrapped round a bottle shows its lines
/// as arcs (ends lower or higher than the middle, more so further down), which Tesseract reads
/// as broken lines. Each vertical strip's rows of ink are matched to its neighbour's toward the
/// middle, in bands down the picture, to find how far its lines sit above or below the middle
/// strip's; a parabola across (the shape of a cylinder's lines seen from near its axis) is
/// fitted to those offsets, weighted by ink, and each column is moved back by it. A flat label's
/// offsets fit no bend and it is left as it is.
pub fn flattened(grey: GrayImage) -> GrayImage {
    let (width, height) = grey.dimensions();
    let strip = (width / STRIPS).max(NARROWEST_STRIP);
    let strips = (width / strip) as usize;
    if strips < 5 || height < 120 {
        return grey;
    }
    let ink = ink_rows(&grey, strip, strips);
    // Bands about 8 lines of text tall (at the target pitch), each fitted on its own.
    let bands = ((height as f64 / (8.0 * TARGET_LINE_PITCH)).round() as usize).clamp(1, 8);
    let band_height = height as usize / bands;
    let most_shift = (TARGET_LINE_PITCH * 0.45) as i64;
    let middle = strips / 2;
    let centre_x = |s: usize| (s as f64 + 0.5) * f64::from(strip);
    let mut fits: Vec<(f64, [f64; 3])> = Vec::with_capacity(bands);
    for band in 0..bands {
        let rows = band * band_height..((band + 1) * band_height).min(height as usize);
        let mut offsets = vec![0.0f64; strips];
        let mut weights = vec![0.0f64; strips];
        weights[middle] = ink[middle][rows.clone()].iter().sum();
        // From the middle outward, each strip against the one beside it: a strip's lines are
        // at most a little off its neighbour's even where they are far off the middle's.
        for (from, to) in (middle + 1..strips)
            .map(|s| (s - 1, s))
            .chain((0..middle).rev().map(|s| (s + 1, s)))
        {
            let (shift, weight) = best_shift(&ink[from], &ink[to], rows.clone(), most_shift);
            offsets[to] = offsets[from] + shift as f64;
            weights[to] = weight;
        }
        let points: Vec<(f64, f64, f64)> = (0..strips)
            .map(|s| (centre_x(s), offsets[s], weights[s]))
            .collect();
        if let Some(fit) = parabola(&points) {
            let centre_y = (rows.start + rows.end) as f64 / 2.0;
            fits.push((centre_y, fit));
        }
    }
    if fits.is_empty() {
        return grey;
    }
    let shift_at = |x: f64, fit: &[f64; 3]| fit[0] + fit[1] * x + fit[2] * x * x;
    // Only a bend is undone: a straight offset across is the slant `deskewed` already took.
    let bend_of = |fit: &[f64; 3]| {
        let ends = [0.0, f64::from(width)].map(|x| shift_at(x, fit));
        let mid = shift_at(f64::from(width) / 2.0, fit);
        (ends[0] + ends[1]) / 2.0 - mid
    };
    if fits.iter().all(|(_, fit)| bend_of(fit).abs() < 3.0) {
        return grey;
    }
    // Each column's shift at each band's centre, between them interpolated down the picture.
    let column_shift = |x: u32, y: u32| -> f64 {
        let x = f64::from(x);
        let y = f64::from(y);
        let after = fits.iter().position(|(c, _)| *c > y).unwrap_or(fits.len());
        match (after.checked_sub(1).map(|i| &fits[i]), fits.get(after)) {
            (Some((_, only)), None) | (None, Some((_, only))) => shift_at(x, only),
            (Some((c0, f0)), Some((c1, f1))) => {
                let t = (y - c0) / (c1 - c0);
                shift_at(x, f0) * (1.0 - t) + shift_at(x, f1) * t
            }
            (None, None) => 0.0,
        }
    };
    let fill = median_grey(&grey);
    GrayImage::from_fn(width, height, |x, y| {
        let source = f64::from(y) + column_shift(x, y);
        if source < 0.0 || source >= f64::from(height - 1) {
            return image::Luma([fill]);
        }
        let y0 = source.floor();
        let t = source - y0;
        let a = f64::from(grey.get_pixel(x, y0 as u32).0[0]);
        let b = f64::from(grey.get_pixel(x, y0 as u32 + 1).0[0]);
        image::Luma([(a * (1.0 - t) + b * t).round() as u8])
    })
}

/// For each of `strips` strips `strip` pixels wide, each row's ink: how often brightness
/// changes sharply along the row within the strip.
fn ink_rows(grey: &GrayImage, strip: u32, strips: usize) -> Vec<Vec<f64>> {
    let (_, height) = grey.dimensions();
    (0..strips)
        .map(|s| {
            let from = s as u32 * strip;
            (0..height)
                .map(|y| {
                    (from + 1..from + strip)
                        .filter(|&x| {
                            grey.get_pixel(x - 1, y).0[0].abs_diff(grey.get_pixel(x, y).0[0])
                                > INK_CHANGE
                        })
                        .count() as f64
                })
                .collect()
        })
        .collect()
}

/// How many rows `to`'s ink sits below `from`'s (within `most` either way) over `rows`, and
/// how sure that is (the match's strength, 0 with no ink to match).
fn best_shift(from: &[f64], to: &[f64], rows: std::ops::Range<usize>, most: i64) -> (i64, f64) {
    let centred = |profile: &[f64]| -> Vec<f64> {
        let part = &profile[rows.clone()];
        let mean = part.iter().sum::<f64>() / part.len().max(1) as f64;
        profile.iter().map(|v| v - mean).collect()
    };
    let (a, b) = (centred(from), centred(to));
    let score = |shift: i64| -> f64 {
        rows.clone()
            .filter_map(|y| {
                let other = usize::try_from(y as i64 + shift).ok()?;
                Some(a[y] * b.get(other)?)
            })
            .sum()
    };
    let energy: f64 = rows.clone().map(|y| a[y] * a[y]).sum::<f64>().sqrt()
        * rows.clone().map(|y| b[y] * b[y]).sum::<f64>().sqrt();
    if energy <= 0.0 {
        return (0, 0.0);
    }
    (-most..=most)
        .map(|shift| (shift, score(shift) / energy))
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(shift, strength)| (shift, strength.max(0.0)))
        .unwrap_or((0, 0.0))
}

/// The parabola `a + b x + c x²` nearest the weighted points `(x, y, weight)` (least squares);
/// `None` when fewer than 3 points have weight.
fn parabola(points: &[(f64, f64, f64)]) -> Option<[f64; 3]> {
    if points.iter().filter(|p| p.2 > 0.1).count() < 3 {
        return None;
    }
    // Normal equations, x scaled to about 1 so that the sums stay well conditioned.
    let scale = points.iter().map(|p| p.0.abs()).fold(1.0, f64::max);
    let mut m = [[0.0f64; 4]; 3];
    for &(x, y, w) in points {
        let x = x / scale;
        let powers = [1.0, x, x * x];
        for i in 0..3 {
            for j in 0..3 {
                m[i][j] += w * powers[i] * powers[j];
            }
            m[i][3] += w * powers[i] * y;
        }
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..3 {
        let pivot = (col..3).max_by(|a, b| m[*a][col].abs().total_cmp(&m[*b][col].abs()))?;
        m.swap(col, pivot);
        if m[col][col].abs() < 1e-9 {
            return None;
        }
        let pivot_row = m[col];
        for (row, values) in m.iter_mut().enumerate() {
            if row != col {
                let factor = values[col] / pivot_row[col];
                for (value, pivot_value) in values.iter_mut().zip(pivot_row).skip(col) {
                    *value -= factor * pivot_value;
                }
            }
        }
    }
    let [a, b, c] = [0, 1, 2].map(|i| m[i][3] / m[i][i]);
    Some([a, b / scale, c / (scale * scale)])
}

/// The picture's median grey, from a sample of its pixels: what uncovered corners are filled
/// with.
fn median_grey(grey: &GrayImage) -> u8 {
    let mut levels: Vec<u8> = grey.pixels().step_by(97).map(|p| p.0[0]).collect();
    levels.sort_unstable();
    levels.get(levels.len() / 2).copied().unwrap_or(255)
}

/// The largest slant straightened, in degrees (a photo taken by hand is rarely further off).
const MOST_SLANT: f64 = 5.0;

/// The picture turned so its lines of text run level. The slant is the angle at which the ink,
/// summed along lines of that slope, piles up most sharply into rows; it is found on a copy at
/// most 600 pixels wide, in steps of a quarter degree.
pub fn deskewed(grey: GrayImage) -> GrayImage {
    let angle = slant(&grey);
    if angle.abs() < 0.3 {
        return grey;
    }
    turned(&grey, -angle)
}

/// The slant of the text lines in degrees; positive when they run down to the right (the
/// image's y axis points down).
pub fn slant(grey: &GrayImage) -> f64 {
    let small = if grey.width() > 600 {
        let height = (u64::from(grey.height()) * 600 / u64::from(grey.width())).max(1) as u32;
        image::imageops::resize(grey, 600, height, FilterType::Triangle)
    } else {
        grey.clone()
    };
    let (width, height) = small.dimensions();
    // Ink: where brightness changes along the row (text), not flat paper or table.
    let mut ink = Vec::new();
    for y in 0..height {
        for x in 1..width {
            let change = small.get_pixel(x - 1, y).0[0].abs_diff(small.get_pixel(x, y).0[0]);
            if change > INK_CHANGE {
                ink.push((f64::from(x), f64::from(y)));
            }
        }
    }
    if ink.len() < 100 {
        return 0.0;
    }
    let sharpness = |degrees: f64| -> f64 {
        let slope = degrees.to_radians().tan();
        let offset = f64::from(width) * slope.abs();
        let mut rows = vec![0.0f64; (f64::from(height) + 2.0 * offset) as usize + 2];
        for (x, y) in &ink {
            let row = (y - x * slope + offset) as usize;
            if let Some(count) = rows.get_mut(row) {
                *count += 1.0;
            }
        }
        rows.iter().map(|c| c * c).sum()
    };
    let steps = (MOST_SLANT * 4.0) as i32;
    (-steps..=steps)
        .map(|step| f64::from(step) / 4.0)
        .max_by(|a, b| sharpness(*a).total_cmp(&sharpness(*b)))
        .unwrap_or(0.0)
}

/// `grey` turned by `degrees` about its centre (bilinear), the corners filled with the
/// picture's own median grey.
fn turned(grey: &GrayImage, degrees: f64) -> GrayImage {
    let (width, height) = grey.dimensions();
    let fill = median_grey(grey);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (f64::from(width) / 2.0, f64::from(height) / 2.0);
    GrayImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
        let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
        if sx < 0.0 || sy < 0.0 || sx >= f64::from(width - 1) || sy >= f64::from(height - 1) {
            return image::Luma([fill]);
        }
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let at = |x: f64, y: f64| f64::from(grey.get_pixel(x as u32, y as u32).0[0]);
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
        let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
        image::Luma([(top * (1.0 - fy) + bottom * fy).round() as u8])
    })
}

/// How high a peak of the rows' repetition must be, against the highest, to be the line
/// pitch; and one at a whole part of the highest's lag.
const NEARLY_THE_BEST_PEAK: f64 = 0.85;
const PART_OF_THE_BEST_PEAK: f64 = 0.75;

/// The distance in pixels between lines of text, from the period of the rows' ink: each row
/// of a narrow strip down the middle (so a slant barely smears it) is scored by how much its
/// brightness changes along the row, and the first lag at which that profile repeats itself
/// nearly as well as at its best is the line pitch. `None` when nothing repeats (no text, or a
/// single line).
pub fn line_pitch(grey: &GrayImage) -> Option<f64> {
    let (width, height) = grey.dimensions();
    if width < 16 || height < 40 {
        return None;
    }
    let strip = (width / 6).clamp(8, 240);
    let from = width / 2 - strip / 2;
    let profile: Vec<f64> = (0..height)
        .map(|y| {
            (from + 1..from + strip)
                .map(|x| {
                    let (a, b) = (grey.get_pixel(x - 1, y).0[0], grey.get_pixel(x, y).0[0]);
                    f64::from(a.abs_diff(b))
                })
                .sum()
        })
        .collect();
    let mean = profile.iter().sum::<f64>() / profile.len() as f64;
    let centred: Vec<f64> = profile.iter().map(|v| v - mean).collect();
    let energy: f64 = centred.iter().map(|v| v * v).sum();
    if energy <= 0.0 {
        return None;
    }
    let correlation = |lag: usize| -> f64 {
        centred
            .iter()
            .zip(&centred[lag..])
            .map(|(a, b)| a * b)
            .sum::<f64>()
            / energy
    };
    let most = (height as usize / 3).min(400);
    if most < 10 {
        return None;
    }
    // Only a peak counts: where the light changes slowly down the picture (the table above and
    // below a label, a shadow) the profile is most like itself at the shortest lag, which is
    // no period at all (read as 8 pixels, such a photo was scaled up threefold).
    let correlations: Vec<f64> = (7..=most).map(correlation).collect();
    let peaks: Vec<(usize, f64)> = correlations
        .windows(3)
        .enumerate()
        .filter(|(_, c)| c[1] > c[0] && c[1] >= c[2])
        .map(|(at, c)| (at + 8, c[1]))
        .collect();
    let (highest, best) = peaks.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
    // The pitch is the first peak nearly as high as the highest: two lines, or the larger type
    // of a label's name above its list, repeat the profile about as well as one line; a peak
    // at a whole part (a half, a third, a quarter) of the highest's lag may be a little lower.
    let whole_part_of_highest = |lag: usize| {
        (2..=4).any(|parts| {
            let part = highest as f64 / f64::from(parts);
            (lag as f64 - part).abs() <= (0.08 * part).max(2.0)
        })
    };
    // (Taking the higher of two peaks a few pixels apart instead read one Korean photo of 60
    // fewer first on the tuning set.)
    let (lag, _) = peaks.iter().copied().find(|(lag, c)| {
        *lag >= 12
            && (*c >= NEARLY_THE_BEST_PEAK * best
                || (*c >= PART_OF_THE_BEST_PEAK * best && whole_part_of_highest(*lag)))
    })?;
    (best > 0.2).then_some(lag as f64)
}

/// How wide the columns that one ink and paper level is measured over are, either side, as a
/// share of the picture's width.
const LIGHT_WINDOW: f64 = 0.02;
/// The share of a window's pixels darker than its ink level, and lighter than its paper level.
const INK_SHARE: f64 = 0.03;
const PAPER_SHARE: f64 = 0.10;
/// Ink this much darker than the paper is type; less is paper only (a margin, a gap).
const LEAST_CONTRAST: u8 = 24;

/// How tall the bands are whose columns' ink and paper levels are measured apart, in lines
/// of text: the levels of a whole column mixed a label's name in large, dark type above the
/// list (and the table around the label) with the list's own soft type, and a stripe over the
/// list kept its low contrast after evening (the 420 px strips of the dev set).
const LIGHT_BAND_LINES: f64 = 4.0;

/// The picture with a glare stripe evened out: a bright stripe down a bottle leaves the type
/// in it barely darker than the paper, which one threshold cannot follow and a neighbourhood
/// threshold reads as noise. In each band of a few lines, each column's ink and paper levels
/// (a dark and a light percentile over the columns around it) are brought to the picture's
/// typical ones, smoothly from band to band. A picture without such a stripe is left as it is.
fn evened_across(mut grey: GrayImage, light: Light, line_pitch: f64) -> GrayImage {
    let (width, height) = grey.dimensions();
    if width < 16 || height < 16 {
        return grey;
    }
    let band_height = ((line_pitch * LIGHT_BAND_LINES).round() as u32).clamp(16, height);
    let bands = (height / band_height).max(1) as usize;
    let band_rows = |b: usize| {
        let top = (b as u64 * u64::from(height) / bands as u64) as u32;
        let bottom = ((b as u64 + 1) * u64::from(height) / bands as u64) as u32;
        top..bottom
    };
    let half = ((f64::from(width) * LIGHT_WINDOW).round() as usize).max(2);
    // Levels are read from the picture with its grain smoothed: a grainy photo's bare paper
    // spans as many greys as faint type under a stripe, and was evened as if it held type
    // (its grain, scaled up, read as letters).
    let smooth = grain_smoothed(&grey);
    let levels: Vec<Vec<(u8, u8)>> = (0..bands)
        .map(|b| column_levels(&smooth, band_rows(b), half))
        .collect();
    let typed: Vec<(u8, u8)> = levels
        .iter()
        .flatten()
        .copied()
        .filter(|(ink, paper)| *paper >= ink.saturating_add(LEAST_CONTRAST))
        .collect();
    if typed.len() < levels.len() * width as usize / 4 {
        return grey;
    }
    let median = |mut values: Vec<u8>| {
        values.sort_unstable();
        values[values.len() / 2]
    };
    let ink = median(typed.iter().map(|l| l.0).collect());
    let paper = median(typed.iter().map(|l| l.1).collect());
    let contrast = f32::from(paper.saturating_sub(ink)).max(1.0);
    if light == Light::GlareOnly && !has_glare_stripe(&levels, contrast, paper) {
        return grey;
    }
    // Per band and column, the line taking a pixel's grey to its evened grey.
    let lines: Vec<Vec<(f32, f32)>> = levels
        .iter()
        .map(|band| {
            band.iter()
                .map(|&(column_ink, column_paper)| {
                    if column_paper >= column_ink.saturating_add(LEAST_CONTRAST) {
                        let scale = contrast / f32::from(column_paper - column_ink);
                        (scale, f32::from(ink) - f32::from(column_ink) * scale)
                    } else {
                        (1.0, f32::from(paper) - f32::from(column_paper))
                    }
                })
                .collect()
        })
        .collect();
    let band_height = height as f32 / bands as f32;
    for y in 0..height {
        // Between the middles of the two nearest bands.
        let at = ((y as f32 + 0.5) / band_height - 0.5).clamp(0.0, (bands - 1) as f32);
        let upper = at.floor() as usize;
        let lower = (upper + 1).min(bands - 1);
        let share = at - upper as f32;
        for x in 0..width {
            let (a0, b0) = lines[upper][x as usize];
            let (a1, b1) = lines[lower][x as usize];
            let (scale, shift) = (a0 + (a1 - a0) * share, b0 + (b1 - b0) * share);
            let pixel = grey.get_pixel_mut(x, y);
            let evened = f32::from(pixel.0[0]) * scale + shift;
            pixel.0[0] = evened.clamp(0.0, 255.0).round() as u8;
        }
    }
    grey
}

/// `grey` with each pixel the mean of the 3 x 3 around it.
fn grain_smoothed(grey: &GrayImage) -> GrayImage {
    let (width, height) = grey.dimensions();
    let across = GrayImage::from_fn(width, height, |x, y| {
        let left = grey.get_pixel(x.saturating_sub(1), y).0[0];
        let right = grey.get_pixel((x + 1).min(width - 1), y).0[0];
        let sum = u16::from(left) + u16::from(grey.get_pixel(x, y).0[0]) + u16::from(right);
        image::Luma([(sum / 3) as u8])
    });
    GrayImage::from_fn(width, height, |x, y| {
        let up = across.get_pixel(x, y.saturating_sub(1)).0[0];
        let down = across.get_pixel(x, (y + 1).min(height - 1)).0[0];
        let sum = u16::from(up) + u16::from(across.get_pixel(x, y).0[0]) + u16::from(down);
        image::Luma([(sum / 3) as u8])
    })
}

/// Each column's (ink, paper) levels over `rows`, from the columns within `half` of it.
fn column_levels(grey: &GrayImage, rows: std::ops::Range<u32>, half: usize) -> Vec<(u8, u8)> {
    let width = grey.width() as usize;
    let mut columns = vec![[0u32; 256]; width];
    for y in rows {
        let row = &grey.as_raw()[y as usize * width..(y as usize + 1) * width];
        for (column, value) in columns.iter_mut().zip(row) {
            column[usize::from(*value)] += 1;
        }
    }
    let level = |histogram: &[u32; 256], share: f64, from_dark: bool| {
        let total: u32 = histogram.iter().sum();
        level_past(histogram, (f64::from(total) * share) as u32, from_dark)
    };
    let mut window = [0u32; 256];
    let mut levels = Vec::with_capacity(width);
    for column in columns.iter().take(half) {
        add(&mut window, column);
    }
    for x in 0..width {
        if let Some(entering) = columns.get(x + half) {
            add(&mut window, entering);
        }
        if x > half {
            remove(&mut window, &columns[x - half - 1]);
        }
        levels.push((
            level(&window, INK_SHARE, true),
            level(&window, PAPER_SHARE, false),
        ));
    }
    levels
}

/// How far either side of a band's low columns its vote for a stripe counts, as a share of
/// the picture's width.
const GLARE_DRIFT: f64 = 0.04;

/// Whether the bands' levels show a glare stripe: type in some columns at under half the
/// typical contrast, with type at nearly the typical contrast on either side (not the ragged
/// end of lines, nor a shadow falling off to one side, which the neighbourhood threshold
/// follows: evening those lost photos it read before), in at least a third of the bands with
/// type and two of them: a stripe runs down the whole label, a gap between words does not.
fn has_glare_stripe(levels: &[Vec<(u8, u8)>], contrast: f32, paper: u8) -> bool {
    let contrast_of = |(i, p): (u8, u8)| f32::from(p.saturating_sub(i));
    let clear = |l: &(u8, u8)| {
        l.1 >= l.0.saturating_add(LEAST_CONTRAST) && contrast_of(*l) >= contrast * 0.8
    };
    let width = levels.first().map_or(0, Vec::len);
    let mut votes = vec![0usize; width];
    let mut bands_with_type = 0;
    let drift = (width as f64 * GLARE_DRIFT).round() as usize;
    for band in levels {
        let (Some(left), Some(right)) = (band.iter().position(clear), band.iter().rposition(clear))
        else {
            continue;
        };
        bands_with_type += 1;
        // A stripe straight down the photo runs aslant once the picture is turned level:
        // a band's vote counts for the columns near its low ones too.
        let mut low = vec![false; width];
        for (x, l) in band.iter().enumerate().take(right).skip(left) {
            // A stripe lifts the paper too; the gap between two columns of type does not.
            let lifted = f32::from(l.1) >= f32::from(paper) + (255.0 - f32::from(paper)) / 4.0;
            if contrast_of(*l) < contrast * 0.5 && lifted {
                let near = x.saturating_sub(drift)..(x + drift + 1).min(width);
                low[near].fill(true);
            }
        }
        for (vote, low) in votes.iter_mut().zip(low) {
            *vote += usize::from(low);
        }
    }
    let needed = (bands_with_type / 3).max(if bands_with_type >= 2 { 2 } else { 1 });
    votes.iter().any(|v| *v >= needed)
}

/// A column's histogram added to a window's, and taken off it.
fn add(window: &mut [u32; 256], column: &[u32; 256]) {
    for (sum, count) in window.iter_mut().zip(column) {
        *sum += count;
    }
}

fn remove(window: &mut [u32; 256], column: &[u32; 256]) {
    for (sum, count) in window.iter_mut().zip(column) {
        *sum -= count;
    }
}

/// The level past which more than `cut` of the histogram's pixels lie, from the dark end or
/// the light one.
fn level_past(histogram: &[u32; 256], cut: u32, from_dark: bool) -> u8 {
    let mut seen = 0;
    for step in 0..256 {
        let level = if from_dark { step } else { 255 - step };
        seen += histogram[level];
        if seen > cut {
            return level as u8;
        }
    }
    if from_dark {
        0
    } else {
        255
    }
}

/// The darkest 1 % made black and the lightest 1 % white, the rest spread between: a photo
/// in dim or uneven light has its text and paper apart again.
fn stretched(mut grey: GrayImage) -> GrayImage {
    let mut histogram = [0u32; 256];
    for pixel in grey.pixels() {
        histogram[usize::from(pixel.0[0])] += 1;
    }
    let cut = histogram.iter().sum::<u32>() / 100;
    let level_at = |from_dark: bool| level_past(&histogram, cut, from_dark);
    let (low, high) = (level_at(true), level_at(false));
    if high <= low.saturating_add(16) {
        return grey;
    }
    let span = f32::from(high - low);
    for pixel in grey.pixels_mut() {
        let value = f32::from(pixel.0[0].clamp(low, high) - low) / span * 255.0;
        pixel.0[0] = value.round() as u8;
    }
    grey
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stripes like lines of type, `pitch` pixels apart.
    fn lines(width: u32, height: u32, pitch: u32) -> GrayImage {
        GrayImage::from_fn(width, height, |x, y| {
            let ink = y % pitch < pitch * 2 / 3 && (x / 3) % 2 == 0;
            image::Luma([if ink { 30 } else { 240 }])
        })
    }

    #[test]
    fn the_line_pitch_is_found_and_brought_to_the_target() {
        assert_eq!(line_pitch(&lines(1200, 900, 90)), Some(90.0));
        let prepared = for_ocr(lines(1200, 900, 90), TARGET_LINE_PITCH, Light::GlareOnly);
        assert_eq!(prepared.dimensions(), (600, 450));
        assert_eq!(
            line_pitch(&GrayImage::from_pixel(500, 500, image::Luma([200]))),
            None
        );
    }

    /// A label of faint type `pitch` pixels apart on a grainy table showing above and below
    /// it, every other line's strokes wider when `alternate`.
    fn label_on_a_table(pitch: u32, alternate: bool) -> GrayImage {
        let (width, height) = (600, 900);
        GrayImage::from_fn(width, height, |x, y| {
            if !(150..750).contains(&y) {
                let grain = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 61;
                return image::Luma([120 + grain as u8]);
            }
            let line = (y - 150) / pitch;
            let stroke = if alternate && line % 2 == 1 { 12 } else { 3 };
            let ink = (y - 150) % pitch < pitch * 2 / 3 && (x / stroke) % 2 == 0;
            image::Luma([if ink { 200 } else { 240 }])
        })
    }

    /// Dark type `pitch` pixels apart on white, every other line printed lighter.
    fn lines_alternating_in_ink(pitch: u32) -> GrayImage {
        GrayImage::from_fn(600, 900, |x, y| {
            let ink = if (y / pitch) % 2 == 1 { 90 } else { 30 };
            let on = y % pitch < pitch * 2 / 3 && (x / 3) % 2 == 0;
            image::Luma([if on { ink } else { 240 }])
        })
    }

    #[test]
    fn the_line_pitch_is_the_lines_not_the_table_around_them_nor_two_lines() {
        // Before: the table's grain against faint, uneven type made the profile most like
        // itself at the shortest lag, and the picture was read as lines 8 pixels apart. The
        // wide and narrow strokes split the peak (34 and 36 pixels): within a few pixels
        // scales the type the same.
        let pitch = line_pitch(&label_on_a_table(36, true)).unwrap();
        assert!((33.0..=37.0).contains(&pitch), "{pitch}");
        // Before: lines alternating in ink repeat best every two lines, and 72 was taken.
        assert_eq!(line_pitch(&lines_alternating_in_ink(36)), Some(36.0));
        // Even faint type on a table, read right before too, stays right.
        assert_eq!(line_pitch(&label_on_a_table(36, false)), Some(36.0));
    }

    #[test]
    fn type_under_a_glare_stripe_is_dark_again_and_even_light_is_left() {
        let even = lines(600, 400, 30);
        assert_eq!(evened_across(even.clone(), Light::GlareOnly, 30.0), even);
        // A bright stripe down the middle, a twentieth of the width either side: ink at its
        // middle is 75 % of the way to white.
        let mut glared = even.clone();
        for (x, _, pixel) in glared.enumerate_pixels_mut() {
            let d = (x as f32 - 300.0) / 30.0;
            let strength = 0.75 * (-0.5 * d * d).exp();
            let value = f32::from(pixel.0[0]);
            pixel.0[0] = (value + (255.0 - value) * strength) as u8;
        }
        let ink_at = |picture: &GrayImage, x: u32| picture.get_pixel(x, 0).0[0];
        assert!(ink_at(&glared, 300) > 180, "the stripe hides the type");
        let evened = evened_across(glared, Light::GlareOnly, 30.0);
        // Columns of ink (x / 3 even), and of paper beside them.
        for x in [0, 150, 294, 300, 306, 450] {
            assert!(
                ink_at(&evened, x) < 90,
                "ink at {x}: {}",
                ink_at(&evened, x)
            );
            let paper = evened.get_pixel(x + 3, 0).0[0];
            assert!(paper > 200, "paper at {}: {paper}", x + 3);
        }
    }

    /// Vertical strokes in rows `pitch` apart, `ink` on `paper`, within the (from, to) spans
    /// across of `columns`.
    fn soft_type(
        width: u32,
        height: u32,
        pitch: u32,
        (ink, paper): (u8, u8),
        columns: &[(u32, u32)],
    ) -> GrayImage {
        GrayImage::from_fn(width, height, |x, y| {
            let stroke = y % pitch < pitch * 2 / 3 && (x / 3) % 2 == 0;
            let in_column = columns.iter().any(|(from, to)| (*from..*to).contains(&x));
            image::Luma([if stroke && in_column { ink } else { paper }])
        })
    }

    /// `picture` under a bright stripe 75 % of the way to white at its middle, the middle at
    /// `from` across at the top and `to` at the bottom.
    fn under_a_stripe(mut picture: GrayImage, from: f32, to: f32) -> GrayImage {
        let height = picture.height() as f32;
        for (x, y, pixel) in picture.enumerate_pixels_mut() {
            let middle = from + (to - from) * y as f32 / height;
            let d = (x as f32 - middle) / 30.0;
            let strength = 0.75 * (-0.5 * d * d).exp();
            let value = f32::from(pixel.0[0]);
            pixel.0[0] = (value + (255.0 - value) * strength) as u8;
        }
        picture
    }

    #[test]
    fn soft_type_under_a_stripe_is_evened_though_a_dark_heading_is_above_it() {
        // Before: one ink level for the whole column came from the heading's large black
        // type, still darker under the stripe than the soft list is anywhere; brought to the
        // typical ink, it left the list under the stripe faint (the dev set's 420 px strips,
        // read as noise).
        let mut label = soft_type(600, 900, 30, (120, 230), &[(20, 580)]);
        let heading = soft_type(600, 180, 30, (0, 230), &[(20, 580)]);
        image::imageops::replace(&mut label, &heading, 0, 0);
        // Aslant, as a stripe straight down a photo is once the picture is turned level.
        let glared = under_a_stripe(label, 270.0, 330.0);
        let evened = evened_across(glared.clone(), Light::GlareOnly, 30.0);
        // A stroke of the list under the stripe's middle (row 600: x = 310), and the paper
        // beside it.
        let (stroke, paper) = (
            evened.get_pixel(312, 600).0[0],
            evened.get_pixel(315, 600).0[0],
        );
        assert!(
            glared.get_pixel(312, 600).0[0] > 210,
            "the stripe hides the type"
        );
        assert!(stroke < 150, "a stroke under the stripe: {stroke}");
        assert!(paper > 210, "the paper beside it: {paper}");
    }

    #[test]
    fn a_stripe_running_aslant_down_a_long_list_is_found() {
        // Straight down the photo, the stripe runs aslant once the picture is turned level:
        // counted column by column, no column was under it in a third of the bands (a
        // 420 px strip of the dev set, whose list was read as noise).
        let list = soft_type(600, 2400, 30, (60, 230), &[(20, 580)]);
        let glared = under_a_stripe(list, 200.0, 420.0);
        let evened = evened_across(glared.clone(), Light::GlareOnly, 30.0);
        assert_ne!(evened, glared, "the stripe is evened out");
        // Row 1200: the stripe's middle at x = 310.
        let (stroke, paper) = (
            evened.get_pixel(312, 1200).0[0],
            evened.get_pixel(315, 1200).0[0],
        );
        assert!(
            stroke < 120 && paper > 200,
            "stroke {stroke}, paper {paper}"
        );
    }

    #[test]
    fn the_gap_between_two_columns_of_type_is_no_glare_stripe() {
        // The gutter holds no type at any height, between columns of clear type: every band
        // saw "low contrast between clear type" there and evened the page (the dev set's
        // two-column labels, which read worse for it).
        // The light falls off to the right, as a neighbourhood threshold follows: evened, the
        // page would change.
        let mut page = soft_type(800, 600, 30, (40, 230), &[(30, 370), (430, 770)]);
        for (x, _, pixel) in page.enumerate_pixels_mut() {
            pixel.0[0] = pixel.0[0].saturating_sub((x / 20) as u8);
        }
        assert_eq!(evened_across(page.clone(), Light::GlareOnly, 30.0), page);
        assert_ne!(evened_across(page.clone(), Light::Evened, 30.0), page);
    }

    #[test]
    fn the_grain_of_bare_paper_is_not_raised_as_if_it_were_faint_type() {
        // A grainy photo's bare paper spans as many greys as faint type (a 3rd and a 90th
        // percentile 26 apart here), and was stretched fourfold with it.
        let mut seed = 7u32;
        let mut grain = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 24) as i32 % 31 - 15
        };
        let mut page = soft_type(600, 600, 30, (40, 215), &[(200, 580)]);
        for pixel in page.pixels_mut() {
            pixel.0[0] = (i32::from(pixel.0[0]) + grain()).clamp(0, 255) as u8;
        }
        let spread = |picture: &GrayImage| {
            let margin: Vec<f64> = (0..600)
                .flat_map(|y| (20..180).map(move |x| (x, y)))
                .map(|(x, y)| f64::from(picture.get_pixel(x, y).0[0]))
                .collect();
            let mean = margin.iter().sum::<f64>() / margin.len() as f64;
            (margin.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / margin.len() as f64).sqrt()
        };
        let evened = evened_across(page.clone(), Light::Evened, 30.0);
        assert!(
            spread(&evened) < spread(&page) * 1.3,
            "the margin's grain: {:.1} before, {:.1} after",
            spread(&page),
            spread(&evened)
        );
    }

    #[test]
    fn a_slanted_page_is_turned_level() {
        let level = lines(800, 600, 40);
        assert_eq!(slant(&level), 0.0);
        let tilted = turned(&level, 3.0);
        let found = slant(&tilted);
        assert!((found.abs() - 3.0).abs() <= 0.5, "{found}");
        assert!(slant(&deskewed(tilted)).abs() <= 0.5);
    }

    /// Stripes like `lines`, bent as on a bottle: their ends `bend` pixels lower than their
    /// middle.
    fn bent_lines(width: u32, height: u32, pitch: u32, bend: f64) -> GrayImage {
        GrayImage::from_fn(width, height, |x, y| {
            let across = (f64::from(x) - f64::from(width) / 2.0) / (f64::from(width) / 2.0);
            let flat_y = f64::from(y) - bend * across * across;
            let row = flat_y.rem_euclid(f64::from(pitch));
            let ink = flat_y >= 0.0 && row < f64::from(pitch) * 0.6 && (x / 3) % 2 == 0;
            image::Luma([if ink { 30 } else { 240 }])
        })
    }

    /// Where the edge strip's lines sit against the middle strip's, in rows.
    fn edge_offset(grey: &GrayImage) -> i64 {
        let strip = grey.width() / STRIPS;
        let ink = ink_rows(grey, strip, STRIPS as usize);
        let rows = 0..grey.height() as usize;
        let (shift, _) = best_shift(&ink[STRIPS as usize / 2], &ink[0], rows, 20);
        shift
    }

    #[test]
    fn bent_lines_are_made_straight_and_straight_ones_left_alone() {
        let bent = bent_lines(1200, 900, 45, 16.0);
        assert!(edge_offset(&bent) >= 12, "{}", edge_offset(&bent));
        let flat = flattened(bent);
        assert!(edge_offset(&flat).abs() <= 3, "{}", edge_offset(&flat));
        let straight = lines(1200, 900, 45);
        assert_eq!(flattened(straight.clone()), straight);
    }

    #[test]
    fn light_type_on_dark_paper_is_turned_to_dark_on_light() {
        let mut negative = lines(400, 300, 40);
        image::imageops::invert(&mut negative);
        assert_eq!(dark_on_light(negative), lines(400, 300, 40));
        assert_eq!(dark_on_light(lines(400, 300, 40)), lines(400, 300, 40));
    }

    #[test]
    fn a_parabola_is_fitted_through_weighted_points() {
        let points: Vec<(f64, f64, f64)> = (0..10)
            .map(|i| {
                let x = f64::from(i) * 100.0;
                (x, 3.0 - 0.02 * x + 0.0001 * x * x, 1.0)
            })
            .collect();
        let [a, b, c] = parabola(&points).unwrap();
        assert!((a - 3.0).abs() < 1e-6 && (b + 0.02).abs() < 1e-8 && (c - 0.0001).abs() < 1e-10);
        assert_eq!(parabola(&points[..2]), None);
    }

    #[test]
    fn a_photo_without_lines_is_scaled_to_the_fallback_width_and_a_dim_one_stretched() {
        let dim = GrayImage::from_fn(4000, 3000, |x, _| image::Luma([100 + (x % 40) as u8]));
        let prepared = for_ocr(dim, TARGET_LINE_PITCH, Light::GlareOnly);
        assert_eq!(prepared.dimensions(), (FALLBACK_WIDTH, 1350));
        let (min, max) = prepared
            .pixels()
            .fold((255, 0), |(lo, hi), p| (lo.min(p.0[0]), hi.max(p.0[0])));
        assert!(min < 10 && max > 245, "{min}..{max}");
    }
}

//! Techniques often reported together with a flow's own, from MITRE CTID's Technique
//! Inference Engine (TIE): a matrix-factorisation model trained on technique co-occurrence
//! in public threat reports. The model says nothing about order: its output is "often
//! reported with", never "next step".
//!
//! The model's 596 technique embeddings (4 numbers each) are embedded as generated data
//! (`data/tie.tsv`, written by the `gen-tie` binary from `../shared/tie`). Prediction is
//! the WALS "new entity" solve the TIE web interface does:
//!
//! ```text
//! M = VᵀV + Σ_{i observed} v_i v_iᵀ + rc·I     (4×4)
//! u = M⁻¹ Vᵀ p                                 (p: 1 for observed techniques)
//! score = V u,  observed techniques left out, highest first
//! ```
//!
//! Technique Inference Engine © 2024 MITRE, Apache License 2.0; trained model from
//! github.com/center-for-threat-informed-defense/technique-inference-engine.

use std::sync::OnceLock;

/// The committed embeddings.
pub const EMBEDDED_DATA: &str = include_str!("../data/tie.tsv");

/// The TIE model: technique ids and their embeddings.
#[derive(Debug, Clone)]
pub struct Model {
    ids: Vec<String>,
    rows: Vec<[f64; 4]>,
    regularization: f64,
}

/// One suggested technique.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The ATT&CK id.
    pub id: String,
    /// The model's score (higher: more often reported with the flow's techniques).
    pub score: f64,
}

impl Model {
    /// The embedded model, parsed on first use.
    pub fn embedded() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::parse(EMBEDDED_DATA))
    }

    /// Reads the data file format (`#` comments, `rc<TAB>value`, then `id<TAB>v0..v3` rows).
    /// Malformed lines are skipped.
    pub fn parse(text: &str) -> Model {
        let mut model = Model {
            ids: Vec::new(),
            rows: Vec::new(),
            regularization: 0.0,
        };
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            match cols.as_slice() {
                ["rc", value] => model.regularization = value.parse().unwrap_or(0.0),
                [id, a, b, c, d] => {
                    let nums: Vec<f64> = [a, b, c, d]
                        .iter()
                        .filter_map(|x| x.parse::<f32>().ok())
                        .map(f64::from)
                        .collect();
                    if let [a, b, c, d] = nums.as_slice() {
                        model.ids.push(id.to_string());
                        model.rows.push([*a, *b, *c, *d]);
                    }
                }
                _ => {}
            }
        }
        model
    }

    /// The technique ids the model knows, in its order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Whether the model knows this id (exact, case-insensitive).
    pub fn knows(&self, id: &str) -> bool {
        self.position(id).is_some()
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|x| x.eq_ignore_ascii_case(id.trim()))
    }

    /// Scores every technique the model knows, given the observed ones (ids unknown to the
    /// model are ignored), and returns the unobserved ones, highest score first (ties in the
    /// model's order).
    pub fn predict(&self, observed: &[&str]) -> Vec<Suggestion> {
        let seen: Vec<usize> = {
            let mut s: Vec<usize> = observed.iter().filter_map(|id| self.position(id)).collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        let mut m = [[0.0f64; 4]; 4];
        for v in &self.rows {
            add_outer(&mut m, v);
        }
        let mut rhs = [0.0f64; 4];
        for &i in &seen {
            add_outer(&mut m, &self.rows[i]);
            for (r, x) in rhs.iter_mut().zip(&self.rows[i]) {
                *r += x;
            }
        }
        for (k, row) in m.iter_mut().enumerate() {
            row[k] += self.regularization;
        }
        let u = solve(m, rhs).unwrap_or([0.0; 4]);
        let mut out: Vec<Suggestion> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| seen.binary_search(i).is_err())
            .map(|(i, v)| Suggestion {
                id: self.ids[i].clone(),
                score: v.iter().zip(&u).map(|(a, b)| a * b).sum(),
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }
}

fn add_outer(m: &mut [[f64; 4]; 4], v: &[f64; 4]) {
    for i in 0..4 {
        for j in 0..4 {
            m[i][j] += v[i] * v[j];
        }
    }
}

/// Solves `m x = b` by Gaussian elimination with partial pivoting; `None` when singular.
fn solve(mut m: [[f64; 4]; 4], mut b: [f64; 4]) -> Option<[f64; 4]> {
    for col in 0..4 {
        let pivot = (col..4).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[pivot][col].abs() < 1e-300 {
            return None;
        }
        m.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..4 {
            let f = m[row][col] / m[col][col];
            let pivot_row = m[col];
            for (x, p) in m[row].iter_mut().zip(pivot_row.iter()).skip(col) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 4];
    for row in (0..4).rev() {
        let s: f64 = (row + 1..4).map(|k| m[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / m[row][row];
    }
    Some(x)
}

/// Reading the model's `.npy` files and writing the data file (for the `gen-tie` binary and
/// its staleness test).
pub mod tie_data {
    /// The parts of a NumPy `.npy` array the generator needs.
    #[derive(Debug, Clone)]
    pub struct Npy {
        /// `descr` of the header (`<f4`, `<U9`, or a structured description).
        pub descr: String,
        /// The shape.
        pub shape: Vec<usize>,
        /// The raw little-endian data after the header.
        pub data: Vec<u8>,
    }

    impl Npy {
        /// Parses a version 1–3 `.npy` file.
        pub fn parse(bytes: &[u8]) -> Result<Npy, String> {
            if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
                return Err("not a .npy file".into());
            }
            let (len, start) = match bytes[6] {
                1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
                2 | 3 if bytes.len() >= 12 => (
                    u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                    12,
                ),
                v => return Err(format!("unknown .npy version {v}")),
            };
            let header = bytes
                .get(start..start + len)
                .and_then(|h| std::str::from_utf8(h).ok())
                .ok_or("bad .npy header")?;
            let descr = header
                .split("'descr':")
                .nth(1)
                .and_then(|r| r.split("'fortran_order'").next())
                .map(|d| {
                    d.trim()
                        .trim_end_matches(',')
                        .trim()
                        .trim_matches('\'')
                        .to_string()
                })
                .ok_or("no descr in .npy header")?;
            if header.contains("'fortran_order': True") {
                return Err("Fortran-ordered arrays are not read".into());
            }
            let shape_text = header
                .split("'shape':")
                .nth(1)
                .and_then(|r| r.split('(').nth(1))
                .and_then(|r| r.split(')').next())
                .ok_or("no shape in .npy header")?;
            let shape = shape_text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<usize>().map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Npy {
                descr,
                shape,
                data: bytes[start + len..].to_vec(),
            })
        }

        /// The data as little-endian `f4` values.
        pub fn f32s(&self) -> Result<Vec<f32>, String> {
            if self.descr != "<f4" {
                return Err(format!("expected <f4 data, found {}", self.descr));
            }
            Ok(self
                .data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        }

        /// The data as fixed-width UTF-32 strings (`<U9`).
        pub fn strings(&self) -> Result<Vec<String>, String> {
            let width: usize = self
                .descr
                .strip_prefix("<U")
                .and_then(|w| w.parse().ok())
                .ok_or_else(|| format!("expected <U… strings, found {}", self.descr))?;
            Ok(self
                .data
                .chunks_exact(width * 4)
                .map(|c| {
                    c.chunks_exact(4)
                        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
                        .take_while(|&x| x != 0)
                        .filter_map(char::from_u32)
                        .collect()
                })
                .collect())
        }
    }

    /// The data file for the embeddings `v` (n×4 `<f4`), ids `ids` (n `<U…`) and
    /// hyperparameters (structured: c `<f4`?, epochs, regularization coefficient).
    pub fn generate(v: &Npy, ids: &Npy, hyper: &Npy) -> Result<String, String> {
        let values = v.f32s()?;
        let ids = ids.strings()?;
        if v.shape.len() != 2 || v.shape[1] != 4 || v.shape[0] != ids.len() || values.len() != ids.len() * 4 {
            return Err(format!("V is {:?}, expected {}×4", v.shape, ids.len()));
        }
        let rc = regularization(hyper)?;
        let mut out = String::from(
            "# Technique Inference Engine (TIE) technique embeddings, generated by\n\
             # `cargo run -p af-analyze --bin gen-tie` from shared/tie (V.npy, technique_ids.npy,\n\
             # hyperparameters.npy): the trained model of MITRE CTID's technique-inference-engine,\n\
             # commit 4a2820647498efe8e670dc28e8e66ca7bb5395ea. Copyright 2024 MITRE, Apache License 2.0.\n\
             # Columns: ATT&CK id, then the 4 embedding values (float32). `rc` is the\n\
             # regularization coefficient. Do not edit by hand.\n",
        );
        out.push_str(&format!("rc\t{rc:?}\n"));
        for (i, id) in ids.iter().enumerate() {
            let row = &values[i * 4..i * 4 + 4];
            out.push_str(&format!(
                "{id}\t{:?}\t{:?}\t{:?}\t{:?}\n",
                row[0], row[1], row[2], row[3]
            ));
        }
        Ok(out)
    }

    /// The regularization coefficient from `hyperparameters.npy`: the last field of the one
    /// record; its type is read from the structured `descr`.
    fn regularization(hyper: &Npy) -> Result<f64, String> {
        // descr like [('c', '<f4'), ('epochs', '<i8'), ('regularization_coefficient', '<f4')]
        let mut offset = 0usize;
        let mut found = None;
        for field in hyper.descr.split("),") {
            let parts: Vec<&str> = field
                .split('\'')
                .filter(|s| !s.trim().is_empty() && !s.contains(['(', '[', ',', ')']))
                .collect();
            let (Some(name), Some(ty)) = (parts.first(), parts.get(1)) else {
                continue;
            };
            let size: usize = ty[2..].parse().map_err(|_| format!("field type {ty}"))?;
            if *name == "regularization_coefficient" {
                let b = hyper
                    .data
                    .get(offset..offset + size)
                    .ok_or("short hyperparameters")?;
                found = Some(match *ty {
                    "<f4" => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                    "<f8" => f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
                    "<i8" => i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f64,
                    other => return Err(format!("regularization_coefficient is {other}")),
                });
            }
            offset += size;
        }
        found.ok_or_else(|| format!("no regularization_coefficient in {}", hyper.descr))
    }
}

use serde::{Deserialize, Serialize};

/// One row of an R × F segment map: a pattern over (R, F[, M]) scores and a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmRule {
    /// Digits and `[a-b]` classes, one per score: `"5[4-5]"`, `"[1-2][1-2]"`, `"[4-5][4-5][4-5]"`.
    pub pattern: String,
    pub name: String,
}

/// The default R × F map (R first): every one of the 25 cells has exactly one name.
pub const DEFAULT_MAP: &[(&str, &str)] = &[
    ("5[4-5]", "Champions"),
    ("[3-4][4-5]", "Loyal Customers"),
    ("[4-5][2-3]", "Potential Loyalists"),
    ("51", "New Customers"),
    ("41", "Promising"),
    ("33", "Need Attention"),
    ("3[1-2]", "About to Sleep"),
    ("[1-2][3-4]", "At Risk"),
    ("[1-2]5", "Can't Lose Them"),
    ("[1-2][1-2]", "Hibernating"),
];

/// A parsed map: per rule, the allowed scores at each position.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmMap {
    rules: Vec<(Vec<[bool; 10]>, String)>,
}

impl RfmMap {
    /// The default R × F map.
    pub fn default_map() -> RfmMap {
        let rules = DEFAULT_MAP
            .iter()
            .map(|(p, n)| RfmRule { pattern: p.to_string(), name: n.to_string() })
            .collect::<Vec<_>>();
        // The default patterns are constants checked by tests; a failure here would be a bug in DEFAULT_MAP.
        RfmMap::parse(&rules).unwrap_or(RfmMap { rules: Vec::new() })
    }

    /// Parses user rules; the error names the rule and the offending character.
    pub fn parse(rules: &[RfmRule]) -> Result<RfmMap, String> {
        let mut out = Vec::with_capacity(rules.len());
        for (idx, rule) in rules.iter().enumerate() {
            let mut positions = Vec::new();
            let mut chars = rule.pattern.chars().peekable();
            while let Some(c) = chars.next() {
                let mut allowed = [false; 10];
                match c {
                    '0'..='9' => allowed[c as usize - '0' as usize] = true,
                    '[' => {
                        let mut prev: Option<usize> = None;
                        loop {
                            match chars.next() {
                                Some(']') => break,
                                Some(d @ '0'..='9') => {
                                    let d = d as usize - '0' as usize;
                                    allowed[d] = true;
                                    prev = Some(d);
                                }
                                Some('-') => {
                                    let (Some(lo), Some(hi @ '0'..='9')) = (prev, chars.next()) else {
                                        return Err(format!("rule {} (\"{}\"): a range needs digits on both sides of '-'", idx + 1, rule.pattern));
                                    };
                                    let hi = hi as usize - '0' as usize;
                                    (lo..=hi).for_each(|d| allowed[d] = true);
                                }
                                other => {
                                    return Err(format!(
                                        "rule {} (\"{}\"): unexpected {} inside [...]; use digits and ranges like [1-3]",
                                        idx + 1,
                                        rule.pattern,
                                        other.map_or("end of pattern".to_string(), |c| format!("'{c}'"))
                                    ))
                                }
                            }
                        }
                    }
                    other => {
                        return Err(format!(
                            "rule {} (\"{}\"): unexpected '{other}'; patterns are digits and [a-b] classes, one per score (R, F, optionally M)",
                            idx + 1,
                            rule.pattern
                        ))
                    }
                }
                positions.push(allowed);
            }
            if !(2..=3).contains(&positions.len()) {
                return Err(format!(
                    "rule {} (\"{}\"): needs 2 positions (R, F) or 3 (R, F, M)",
                    idx + 1,
                    rule.pattern
                ));
            }
            out.push((positions, rule.name.clone()));
        }
        Ok(RfmMap { rules: out })
    }

    /// Index of the first matching rule for scores on the 5-grid, or `None`.
    pub fn assign(&self, r: u8, f: u8, m: u8) -> Option<usize> {
        let s = [r, f, m];
        self.rules.iter().position(|(pos, _)| {
            pos.iter().zip(s).all(|(allowed, v)| allowed.get(v as usize).copied().unwrap_or(false))
        })
    }

    pub fn names(&self) -> Vec<String> {
        self.rules.iter().map(|(_, n)| n.clone()).collect()
    }
}

/// Places a score of a `bins`-grid on the 5-grid: `⌈s·5/bins⌉`.
pub fn to_grid5(s: u8, bins: u8) -> u8 {
    ((u16::from(s) * 5).div_ceil(u16::from(bins.max(1)))) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole 5 × 5 grid, cell by cell (R rows 5..1, F columns 1..5).
    #[test]
    fn default_map_names_every_cell_once() {
        let want = [
            ["New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"],
            ["Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"],
            ["About to Sleep", "About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"],
            ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
            ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
        ];
        let map = RfmMap::default_map();
        let names = map.names();
        for (ri, row) in want.iter().enumerate() {
            let r = 5 - ri as u8;
            for (fi, name) in row.iter().enumerate() {
                let f = fi as u8 + 1;
                let hits: Vec<usize> = (0..names.len())
                    .filter(|&i| {
                        let one = RfmMap { rules: vec![map.rules[i].clone()] };
                        one.assign(r, f, 1).is_some()
                    })
                    .collect();
                assert_eq!(hits.len(), 1, "cell R{r}F{f} matched {hits:?}");
                assert_eq!(names[hits[0]], *name, "cell R{r}F{f}");
            }
        }
    }

    #[test]
    fn user_maps_parse_with_pointed_errors() {
        let m = RfmMap::parse(&[RfmRule { pattern: "[4-5][4-5][4-5]".into(), name: "VIP".into() }]).unwrap();
        assert_eq!(m.assign(5, 4, 4), Some(0));
        assert_eq!(m.assign(5, 4, 3), None);
        let e = RfmMap::parse(&[RfmRule { pattern: "5x".into(), name: "bad".into() }]).unwrap_err();
        assert!(e.contains("unexpected 'x'"), "{e}");
        let e = RfmMap::parse(&[RfmRule { pattern: "[4-".into(), name: "bad".into() }]).unwrap_err();
        assert!(e.contains("range needs digits"), "{e}");
        assert!(RfmMap::parse(&[RfmRule { pattern: "5".into(), name: "x".into() }]).is_err());
    }

    #[test]
    fn grid_mapping() {
        assert_eq!((1..=3).map(|s| to_grid5(s, 3)).collect::<Vec<_>>(), vec![2, 4, 5]);
        assert_eq!((1..=4).map(|s| to_grid5(s, 4)).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
        assert_eq!((1..=5).map(|s| to_grid5(s, 5)).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    }
}

//! User-defined segments: readable conditions over features, tried in
//! order, first match wins.
//!
//! ```text
//! VIP: monetary > 1000 and orders >= 5
//! At risk: recency_days > 90 and (orders >= 3 or monetary > 200)
//! New: tenure_days <= 30
//! Everyone else: *
//! ```
//!
//! One rule per line, `name: condition`. A condition compares features with
//! numbers (`>`, `>=`, `<`, `<=`, `=`/`==`, `!=`), combined with `and`, `or`,
//! `not` and parentheses; `*` or `true` matches everyone. Feature names with
//! spaces or symbols go in backquotes (`` `count:purchase` > 2 ``). Blank lines
//! and lines starting with `#` are ignored. Customers no rule matches are in
//! "Other". Parse errors name the rule's line and column and the offending token.

mod parse;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use parse::parse_rules;

/// Why rule text could not be used.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("rules, line {line}, column {column}: {message}")]
pub struct RuleError {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl Cmp {
    pub fn symbol(&self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
        }
    }
}

/// A condition over one customer's features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Expr {
    True,
    Compare { feature: String, op: Cmp, value: f64 },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// One named rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub name: String,
    pub when: Expr,
    /// The condition as the user wrote it.
    pub text: String,
}

impl Expr {
    /// Feature names the condition reads.
    pub fn features(&self, out: &mut Vec<String>) {
        match self {
            Expr::True => {}
            Expr::Compare { feature, .. } => {
                if !out.contains(feature) {
                    out.push(feature.clone());
                }
            }
            Expr::Not(e) => e.features(out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.features(out);
                b.features(out);
            }
        }
    }

    /// Evaluates against a customer; `value(name)` gives a feature value. A
    /// missing (NaN) value makes every comparison false, as in SQL.
    pub fn eval(&self, value: &dyn Fn(&str) -> f64) -> bool {
        match self {
            Expr::True => true,
            Expr::Compare { feature, op, value: v } => {
                let x = value(feature);
                match op {
                    Cmp::Gt => x > *v,
                    Cmp::Ge => x >= *v,
                    Cmp::Lt => x < *v,
                    Cmp::Le => x <= *v,
                    Cmp::Eq => x == *v,
                    Cmp::Ne => !x.is_nan() && x != *v,
                }
            }
            Expr::Not(e) => !e.eval(value),
            Expr::And(a, b) => a.eval(value) && b.eval(value),
            Expr::Or(a, b) => a.eval(value) || b.eval(value),
        }
    }
}

/// Index of the first rule a customer matches, or `None` ("Other").
pub fn assign(rules: &[Rule], value: &dyn Fn(&str) -> f64) -> Option<usize> {
    rules.iter().position(|r| r.when.eval(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_match_wins_and_missing_values_never_match() {
        let rules = parse_rules("VIP: monetary > 1000 and orders >= 5\nLapsed: recency_days > 90\nRest: *").unwrap();
        let customer = |m: f64, o: f64, r: f64| {
            move |f: &str| match f {
                "monetary" => m,
                "orders" => o,
                "recency_days" => r,
                _ => f64::NAN,
            }
        };
        assert_eq!(assign(&rules, &customer(2000.0, 6.0, 200.0)), Some(0));
        assert_eq!(assign(&rules, &customer(2000.0, 2.0, 200.0)), Some(1));
        assert_eq!(assign(&rules, &customer(10.0, 1.0, 5.0)), Some(2));
        assert_eq!(assign(&rules, &customer(f64::NAN, 9.0, f64::NAN)), Some(2));
        let no_rest = parse_rules("x: a != 1").unwrap();
        assert_eq!(assign(&no_rest, &|_: &str| f64::NAN), None);
    }
}

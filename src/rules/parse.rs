//! A small recursive-descent parser: `or` binds loosest, then `and`, then
//! `not`; comparisons are `feature op number`.

use super::{Cmp, Expr, Rule, RuleError};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64),
    Op(Cmp),
    And,
    Or,
    Not,
    LParen,
    RParen,
    Star,
    True,
}

fn describe(t: Option<&(Tok, usize)>) -> String {
    match t.map(|x| &x.0) {
        None => "the end of the rule".into(),
        Some(Tok::Ident(s)) => format!("'{s}'"),
        Some(Tok::Num(n)) => format!("the number {n}"),
        Some(Tok::Op(c)) => format!("'{}'", c.symbol()),
        Some(Tok::And) => "'and'".into(),
        Some(Tok::Or) => "'or'".into(),
        Some(Tok::Not) => "'not'".into(),
        Some(Tok::LParen) => "'('".into(),
        Some(Tok::RParen) => "')'".into(),
        Some(Tok::Star) => "'*'".into(),
        Some(Tok::True) => "'true'".into(),
    }
}

/// Splits a condition into tokens with their 1-based columns (in characters).
fn lex(s: &str, line: u64, offset: usize) -> Result<Vec<(Tok, usize)>, RuleError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |col: usize, message: String| RuleError { line, column: (offset + col + 1) as u64, message };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            ' ' | '\t' => {
                i += 1;
                continue;
            }
            '(' => out.push((Tok::LParen, start)),
            ')' => out.push((Tok::RParen, start)),
            '*' => out.push((Tok::Star, start)),
            '>' | '<' | '=' | '!' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('>', Some('=')) => (Cmp::Ge, 2),
                    ('<', Some('=')) => (Cmp::Le, 2),
                    ('=', Some('=')) => (Cmp::Eq, 2),
                    ('!', Some('=')) => (Cmp::Ne, 2),
                    ('<', Some('>')) => (Cmp::Ne, 2),
                    ('>', _) => (Cmp::Gt, 1),
                    ('<', _) => (Cmp::Lt, 1),
                    ('=', _) => (Cmp::Eq, 1),
                    _ => return Err(err(start, "'!' must be followed by '=' (use != or 'not')".into())),
                };
                out.push((Tok::Op(op), start));
                i += len;
                continue;
            }
            '`' => {
                let end = chars[i + 1..].iter().position(|&ch| ch == '`').map(|p| p + i + 1);
                let Some(end) = end else { return Err(err(start, "a backquoted feature name is not closed".into())) };
                out.push((Tok::Ident(chars[i + 1..end].iter().collect()), start));
                i = end + 1;
                continue;
            }
            c if c.is_ascii_digit()
                || c == '.'
                || ((c == '-' || c == '+') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit() || *n == '.')) =>
            {
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || chars[i] == '.'
                        || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let v = crate::ingest::parse_number(&text)
                    .ok_or_else(|| err(start, format!("'{text}' is not a number")))?;
                out.push((Tok::Num(v), start));
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | ':' | '.')) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let tok = match word.to_ascii_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "true" => Tok::True,
                    _ => Tok::Ident(word),
                };
                out.push((tok, start));
                continue;
            }
            other => return Err(err(start, format!("unexpected character '{other}'"))),
        }
        i += 1;
    }
    Ok(out)
}

struct Parser<'a> {
    toks: &'a [(Tok, usize)],
    pos: usize,
    line: u64,
    offset: usize,
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&(Tok, usize)> {
        self.toks.get(self.pos)
    }

    fn err(&self, message: String) -> RuleError {
        let col = self.peek().map_or(self.end, |t| t.1);
        RuleError { line: self.line, column: (self.offset + col + 1) as u64, message }
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some((Tok::Or, _))) {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.not()?;
        while matches!(self.peek(), Some((Tok::And, _))) {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, RuleError> {
        if matches!(self.peek(), Some((Tok::Not, _))) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, RuleError> {
        match self.peek().cloned() {
            Some((Tok::LParen, _)) => {
                self.pos += 1;
                let e = self.or()?;
                if !matches!(self.peek(), Some((Tok::RParen, _))) {
                    return Err(self.err(format!("expected ')' but found {}", describe(self.peek()))));
                }
                self.pos += 1;
                Ok(e)
            }
            Some((Tok::Star | Tok::True, _)) => {
                self.pos += 1;
                Ok(Expr::True)
            }
            Some((Tok::Ident(feature), _)) => {
                self.pos += 1;
                let Some((Tok::Op(op), _)) = self.peek().cloned() else {
                    return Err(self.err(format!(
                        "expected a comparison (>, >=, <, <=, =, !=) after '{feature}' but found {}",
                        describe(self.peek())
                    )));
                };
                self.pos += 1;
                let Some((Tok::Num(value), _)) = self.peek().cloned() else {
                    return Err(self.err(format!(
                        "expected a number after '{}' but found {}",
                        op.symbol(),
                        describe(self.peek())
                    )));
                };
                self.pos += 1;
                Ok(Expr::Compare { feature, op, value })
            }
            other => Err(self.err(format!(
                "expected a condition (feature > number, '(' or '*') but found {}",
                describe(other.as_ref())
            ))),
        }
    }
}

/// Parses rule text (one `name: condition` per line).
///
/// ```
/// let rules = seglens::rules::parse_rules("Big: monetary >= 500\nRest: *").unwrap();
/// assert_eq!(rules.len(), 2);
/// let e = seglens::rules::parse_rules("Big: monetary >> 500").unwrap_err();
/// assert_eq!(e.to_string(), "rules, line 1, column 16: expected a number after '>' but found '>'");
/// ```
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, RuleError> {
    let mut rules = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n as u64 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((name, cond)) = raw.split_once(':') else {
            return Err(RuleError { line, column: 1, message: "expected 'name: condition'".into() });
        };
        // Columns in messages count from the start of the line: the condition starts after the ':'.
        let offset = name.chars().count() + 1;
        let name = name.trim();
        if name.is_empty() {
            return Err(RuleError { line, column: 1, message: "the rule has no name before ':'".into() });
        }
        let toks = lex(cond, line, offset)?;
        if toks.is_empty() {
            return Err(RuleError {
                line,
                column: offset as u64 + 1,
                message: format!("rule '{name}' has no condition (use * to match everyone)"),
            });
        }
        let mut p = Parser { toks: &toks, pos: 0, line, offset, end: cond.chars().count() };
        let when = p.or()?;
        if p.pos < toks.len() {
            return Err(
                p.err(format!("unexpected {} after a complete condition (missing 'and'/'or'?)", describe(p.peek())))
            );
        }
        rules.push(Rule { name: name.to_string(), when, text: cond.trim().to_string() });
    }
    if rules.is_empty() {
        return Err(RuleError { line: 1, column: 1, message: "no rules: write one 'name: condition' per line".into() });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_parentheses_and_backquotes() {
        let r = parse_rules("a: x > 1 or y < 2 and not z = 3\nb: (x > 1 or y < 2) and `count:buy` >= 1e1").unwrap();
        let v = |x: f64, y: f64, z: f64, c: f64| {
            move |f: &str| match f {
                "x" => x,
                "y" => y,
                "z" => z,
                "count:buy" => c,
                _ => f64::NAN,
            }
        };
        // or binds loosest: x > 1 or (y < 2 and not z = 3)
        assert!(r[0].when.eval(&v(5.0, 9.0, 3.0, 0.0)));
        assert!(!r[0].when.eval(&v(0.0, 1.0, 3.0, 0.0)));
        assert!(r[1].when.eval(&v(5.0, 9.0, 3.0, 10.0)));
        assert!(!r[1].when.eval(&v(5.0, 9.0, 3.0, 9.0)));
        let mut f = Vec::new();
        r[1].when.features(&mut f);
        assert_eq!(f, ["x", "y", "count:buy"]);
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let e = |t: &str| parse_rules(t).unwrap_err().to_string();
        assert_eq!(e("vip: spend > lots"), "rules, line 1, column 14: expected a number after '>' but found 'lots'");
        assert_eq!(e("ok: *\nvip: (spend > 1"), "rules, line 2, column 16: expected ')' but found the end of the rule");
        assert_eq!(e("vip: spend 5"), "rules, line 1, column 12: expected a comparison (>, >=, <, <=, =, !=) after 'spend' but found the number 5");
        assert_eq!(
            e("vip: a > 1 b > 2"),
            "rules, line 1, column 12: unexpected 'b' after a complete condition (missing 'and'/'or'?)"
        );
        assert_eq!(e("no colon here"), "rules, line 1, column 1: expected 'name: condition'");
        assert_eq!(e("x: a ! 1"), "rules, line 1, column 6: '!' must be followed by '=' (use != or 'not')");
        assert_eq!(e("x: a > 1.2.3"), "rules, line 1, column 8: '1.2.3' is not a number");
        assert_eq!(e("x:"), "rules, line 1, column 3: rule 'x' has no condition (use * to match everyone)");
        assert_eq!(e("# only a comment"), "rules, line 1, column 1: no rules: write one 'name: condition' per line");
    }
}

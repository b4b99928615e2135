//! Any bytes pushed in chunks (the first byte sets the chunk size) load exactly
//! as the whole buffer does: same kind, customers and columns, or the same
//! error. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglens::{Loader, Options, Segmenter};

fuzz_target!(|data: &[u8]| {
    let Some((&step, input)) = data.split_first() else { return };
    let opts = Options::default();
    let whole = Segmenter::load(input, &opts);
    let chunked = Loader::new(opts, None).and_then(|mut l| {
        for c in input.chunks(usize::from(step).max(1)) {
            l.push(c)?;
        }
        l.finish()
    });
    match (whole, chunked) {
        (Ok(a), Ok(b)) => {
            assert_eq!((a.input_kind(), a.customers()), (b.input_kind(), b.customers()));
            assert_eq!(a.columns(), b.columns());
            assert_eq!(a.memory(), b.memory());
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("whole: {:?}, chunked: {:?}", a.err().map(|e| e.to_string()), b.err().map(|e| e.to_string())),
    }
});

pub fn median(values: &[i32]) -> Option<i32> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort();
    Some(v[v.len() / 2])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    intent_build::compile()?;
    Ok(())
}

// Embedded migrations and templates are read at compile time; make cargo
// notice when they change.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
}

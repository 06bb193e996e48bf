pub mod catalog;
pub mod health;
pub mod staff;
pub mod tenants;

"""Credit: the order check, holds, exposure, customers and tiers."""

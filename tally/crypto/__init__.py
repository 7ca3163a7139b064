"""Cryptographic building blocks over ristretto255: group, hashing, ElGamal, proofs, keys."""

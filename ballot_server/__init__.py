"""The meeting server of Phiếu Kín and the ``phieukin`` command line."""

"""hds-analyzer: clause-by-clause analysis of HDS hosting and IT outsourcing contracts."""

__version__ = "0.1.0"

__all__ = ["__version__"]

"""Diagonal linear networks ``β = u ⊙ v``: the exact saddle-to-saddle path and its tools."""

from saddlepath.diagonal.path_result import PathStatus, SaddlePath
from saddlepath.diagonal.saddle_path import saddle_path

__all__ = ["PathStatus", "SaddlePath", "saddle_path"]

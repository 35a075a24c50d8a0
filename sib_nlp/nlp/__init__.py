"""Dutch language core: pipeline loading, components and their registrations."""

from sib_nlp.nlp.loader import PipelineInfo, PipelineNotFound, load_dutch, pipeline_info

__all__ = ["PipelineInfo", "PipelineNotFound", "load_dutch", "pipeline_info"]

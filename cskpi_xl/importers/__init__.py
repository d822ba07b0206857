"""Importers for platform exports (Taobao/Tmall, JD, Pinduoduo, Douyin)."""

{
  "targets": [
    {
      "target_name": "wasock",
      "sources": ["wasock.c", "readiness.c", "readiness_uv.c", "readiness_epoll.c"],
      "include_dirs": ["../../core-c/include"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-O2", "-Wall", "-std=c11", "-fvisibility=hidden"],
      "cflags!": ["-O3", "-Os"],
      "libraries": ["-ldl"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O2", "-Wall", "-std=c11"]
      }
    }
  ]
}

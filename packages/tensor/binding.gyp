{
  "targets": [
    {
      "target_name": "ablate_native",
      "sources": ["native/addon.c", "native/matmul.c", "native/elementwise.c", "native/optim.c", "native/gather.c", "native/regularize.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-std=gnu11"] }
    }
  ]
}

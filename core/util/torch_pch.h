// Precompiled header for the core files that use libtorch. Only the heavy, stable headers.
#pragma once
#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/types.h>

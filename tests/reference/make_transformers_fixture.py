#!/usr/bin/env python3
"""Builds tiny random Qwen2-VL and Qwen2.5-VL reference fixtures with Hugging Face transformers.

Run on a machine with PyTorch + transformers (>= 4.49, which has Qwen2.5-VL):
    python3 tests/reference/make_transformers_fixture.py [--out tests/data/hf_fixtures]

For each architecture it writes tests/data/hf_fixtures/<qwen2_vl|qwen2_5_vl>/ (< 1 MB each):
  config.json, model.safetensors   transformers' save_pretrained output
  reference.json + reference.bin   raw little-endian tensors (name -> dtype, shape, offset):
      weights/<name>               every state_dict tensor (lets the C++ test run before a
                                   safetensors reader exists; same values as model.safetensors)
      pixel_values (N,1176) f32, image_grid_thw (1,3) i64, input_ids (1,S) i64,
      attention_mask (1,S) i64, position_ids (3,1,S) i64, rope_deltas (1,1) i64,
      vision_pre_merger (N,E) f32 in grid order (2.5: window permutation undone),
      vision_features (M,D) f32, logits (1,S,V) f32, greedy_tokens (1,K) i64
The models run in fp32, eager attention, TF32 off, fixed seeds, on CPU.
tests/core/model_hf_fixture_test.cpp compares the C++ model with these (logits max abs <= 1e-4).
"""
import argparse
import json
import os

import numpy as np
import torch

SEED = 1234
NEW_TOKENS = 6
IDS = dict(image_token_id=90, video_token_id=91, vision_start_token_id=92, vision_end_token_id=93)


def tiny_config(arch):
    text = dict(vocab_size=99, hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1e4,
                max_position_embeddings=512, hidden_act="silu", tie_word_embeddings=False,
                rope_scaling={"type": "mrope", "mrope_section": [2, 1, 1]},
                bos_token_id=94, eos_token_id=95, pad_token_id=0, initializer_range=0.2)
    if arch == "qwen2_vl":
        from transformers import Qwen2VLConfig as Config
        vision = dict(depth=2, embed_dim=32, hidden_size=32, num_heads=4, mlp_ratio=4,
                      hidden_act="quick_gelu", patch_size=14, spatial_merge_size=2,
                      temporal_patch_size=2, in_channels=3, initializer_range=0.2)
    else:
        from transformers import Qwen2_5_VLConfig as Config
        vision = dict(depth=2, hidden_size=32, out_hidden_size=32, num_heads=4,
                      intermediate_size=32, hidden_act="silu", patch_size=14,
                      spatial_merge_size=2, temporal_patch_size=2, in_channels=3,
                      window_size=56, fullatt_block_indexes=[1], tokens_per_second=2,
                      initializer_range=0.2)
    return Config(vision_config=vision, **text, **IDS)


def model_class(arch):
    import transformers
    return (transformers.Qwen2VLForConditionalGeneration if arch == "qwen2_vl"
            else transformers.Qwen2_5_VLForConditionalGeneration)


def synthetic_image():
    # 56 x 84 px RGB gradient + checker: grid (1, 4, 6), 24 patches, 6 merged tokens.
    y, x = np.mgrid[0:56, 0:84]
    img = np.stack([(3 * x) % 256, (5 * y) % 256, ((x // 7 + y // 7) % 2) * 255], -1)
    return img.astype(np.uint8)


def pixel_values_for(image):
    from transformers import Qwen2VLImageProcessor
    proc = Qwen2VLImageProcessor(min_pixels=56 * 56, max_pixels=28 * 28 * 1280)
    out = proc(images=[image], return_tensors="pt")
    return out["pixel_values"].float(), out["image_grid_thw"].long()


def inner(model):
    return model.model if hasattr(model.model, "visual") else model


def visual_of(model):
    return inner(model).visual if hasattr(inner(model), "visual") else model.visual


def rope_index(model, ids, grid, mask):
    owner = model.model if hasattr(model.model, "get_rope_index") else model
    return owner.get_rope_index(ids, grid, None, attention_mask=mask)


class Dump:
    def __init__(self):
        self.meta, self.chunks, self.offset = {}, [], 0

    def add(self, name, t):
        a = t.detach().cpu().contiguous()
        a = a.float() if a.is_floating_point() else a.long()
        raw = a.numpy().astype("<f4" if a.dtype == torch.float32 else "<i8").tobytes()
        self.meta[name] = {"dtype": "float32" if a.dtype == torch.float32 else "int64",
                           "shape": list(a.shape), "offset": self.offset, "nbytes": len(raw)}
        self.chunks.append(raw)
        self.offset += len(raw)

    def save(self, folder):
        with open(os.path.join(folder, "reference.bin"), "wb") as f:
            for c in self.chunks:
                f.write(c)
        with open(os.path.join(folder, "reference.json"), "w") as f:
            json.dump(self.meta, f, indent=1, sort_keys=True)


def build(arch, out_dir):
    torch.manual_seed(SEED)
    config = tiny_config(arch)
    config._attn_implementation = "eager"
    model = model_class(arch)(config).float().eval()
    # No EOS: greedy decoding runs all NEW_TOKENS steps with unmodified logits.
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = 0
    pixel_values, grid = pixel_values_for(synthetic_image())
    m = int(grid.prod()) // 4
    ids = [5, 6, IDS["vision_start_token_id"]] + [IDS["image_token_id"]] * m + \
          [IDS["vision_end_token_id"], 7, 8, 9]
    input_ids = torch.tensor([ids])
    mask = torch.ones_like(input_ids)

    captured = {}
    merger = visual_of(model).merger
    h1 = merger.register_forward_pre_hook(lambda mod, args: captured.__setitem__("pre", args[0]))
    h2 = merger.register_forward_hook(lambda mod, args, out: captured.__setitem__("post", out))
    with torch.no_grad():
        out = model(input_ids=input_ids, attention_mask=mask, pixel_values=pixel_values,
                    image_grid_thw=grid)
        pos, deltas = rope_index(model, input_ids, grid, mask)
        gen = model.generate(input_ids=input_ids, attention_mask=mask, pixel_values=pixel_values,
                             image_grid_thw=grid, max_new_tokens=NEW_TOKENS, do_sample=False)
    h1.remove(), h2.remove()
    pre, post = captured["pre"], captured["post"]
    if arch == "qwen2_5_vl":  # undo the window permutation of whole 2x2 groups
        widx, _ = visual_of(model).get_window_index(grid)
        inv = torch.argsort(widx)
        pre = pre.view(m, 4, -1)[inv].reshape(pre.shape)
        post = post[inv]

    folder = os.path.join(out_dir, arch)
    os.makedirs(folder, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    dump = Dump()
    for name, t in model.state_dict().items():
        dump.add("weights/" + name, t)
    dump.add("pixel_values", pixel_values)
    dump.add("image_grid_thw", grid)
    dump.add("input_ids", input_ids)
    dump.add("attention_mask", mask)
    dump.add("position_ids", pos)
    dump.add("rope_deltas", deltas)
    dump.add("vision_pre_merger", pre)
    dump.add("vision_features", post)
    dump.add("logits", out.logits)
    dump.add("greedy_tokens", gen[:, input_ids.shape[1]:])
    dump.save(folder)
    print(f"{arch}: wrote {folder} (S={input_ids.shape[1]}, grid={grid.tolist()})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "data", "hf_fixtures"))
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.use_deterministic_algorithms(True)
    for arch in ("qwen2_vl", "qwen2_5_vl"):
        build(arch, args.out)


if __name__ == "__main__":
    main()

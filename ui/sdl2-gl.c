/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OpenGL path of the window (-display sdl,gl=on): an OpenGL 3.2 core
 * context (OpenGL ES 3.0 if core is unavailable), function pointers from
 * libepoxy.  The guest surface is a GL_RGBA8 texture updated with
 * glTexSubImage2D on dirty rectangles (x8r8g8b8 in memory is BGRA bytes
 * on little-endian hosts, uploaded as GL_BGRA / GL_UNSIGNED_INT_8_8_8_8_REV
 * on desktop GL); the overlay is a second texture blended premultiplied
 * (GL_ONE, GL_ONE_MINUS_SRC_ALPHA).  Both are drawn as textured quads by
 * one small shader.
 */
#include "ui/sdl2.h"

#include <string.h>
#include <epoxy/gl.h>
#include <glib.h>

static struct {
    SDL_Window *win;
    SDL_GLContext ctx;
    bool es;
    GLuint prog, vao, vbo;
    GLint u_opaque, u_swizzle;
    GLuint guest, overlay;
    int gw, gh, ow, oh;
} gl;

static const char *const gl_vs_core =
    "#version 150\n"
    "in vec2 pos;\nin vec2 uv_in;\nout vec2 uv;\n"
    "void main() { uv = uv_in; gl_Position = vec4(pos, 0.0, 1.0); }\n";
static const char *const gl_fs_core =
    "#version 150\n"
    "uniform sampler2D tex;\nuniform bool opaque;\nuniform bool swizzle;\n"
    "in vec2 uv;\nout vec4 color;\n"
    "void main() {\n"
    "  vec4 c = texture(tex, uv);\n"
    "  if (swizzle) c = c.bgra;\n"
    "  color = opaque ? vec4(c.rgb, 1.0) : c;\n"
    "}\n";
static const char *const gl_vs_es =
    "#version 300 es\n"
    "in vec2 pos;\nin vec2 uv_in;\nout vec2 uv;\n"
    "void main() { uv = uv_in; gl_Position = vec4(pos, 0.0, 1.0); }\n";
static const char *const gl_fs_es =
    "#version 300 es\nprecision mediump float;\n"
    "uniform sampler2D tex;\nuniform bool opaque;\nuniform bool swizzle;\n"
    "in vec2 uv;\nout vec4 color;\n"
    "void main() {\n"
    "  vec4 c = texture(tex, uv);\n"
    "  if (swizzle) c = c.bgra;\n"
    "  color = opaque ? vec4(c.rgb, 1.0) : c;\n"
    "}\n";

static GLuint sdl2_gl_shader(GLenum type, const char *src, Error **errp)
{
    GLuint sh = glCreateShader(type);
    GLint ok = 0;
    char log[512] = "";

    glShaderSource(sh, 1, &src, NULL);
    glCompileShader(sh);
    glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        glGetShaderInfoLog(sh, sizeof(log), NULL, log);
        error_setg(errp, "GL shader compilation failed: %s", log);
        glDeleteShader(sh);
        return 0;
    }
    return sh;
}

static bool sdl2_gl_program(Error **errp)
{
    GLuint vs = sdl2_gl_shader(GL_VERTEX_SHADER,
                               gl.es ? gl_vs_es : gl_vs_core, errp);
    GLuint fs = vs ? sdl2_gl_shader(GL_FRAGMENT_SHADER,
                                    gl.es ? gl_fs_es : gl_fs_core, errp)
                   : 0;
    GLint ok = 0;

    if (!fs) {
        glDeleteShader(vs);
        return false;
    }
    gl.prog = glCreateProgram();
    glAttachShader(gl.prog, vs);
    glAttachShader(gl.prog, fs);
    glBindAttribLocation(gl.prog, 0, "pos");
    glBindAttribLocation(gl.prog, 1, "uv_in");
    glLinkProgram(gl.prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    glGetProgramiv(gl.prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        error_setg(errp, "GL program link failed");
        return false;
    }
    gl.u_opaque = glGetUniformLocation(gl.prog, "opaque");
    gl.u_swizzle = glGetUniformLocation(gl.prog, "swizzle");
    glUseProgram(gl.prog);
    glUniform1i(glGetUniformLocation(gl.prog, "tex"), 0);
    return true;
}

/* Create a context: desktop core 3.2 first, then ES 3.0. */
static bool sdl2_gl_context(SDL_Window *win, Error **errp)
{
    static const struct {
        int profile, major, minor;
        bool es;
    } tries[] = {
        { SDL_GL_CONTEXT_PROFILE_CORE, 3, 2, false },
        { SDL_GL_CONTEXT_PROFILE_ES, 3, 0, true },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(tries); i++) {
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, tries[i].profile);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, tries[i].major);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, tries[i].minor);
        gl.ctx = SDL_GL_CreateContext(win);
        if (gl.ctx) {
            gl.es = tries[i].es;
            return true;
        }
    }
    error_setg(errp, "cannot create an OpenGL context: %s (try gl=off)",
               SDL_GetError());
    return false;
}

static bool sdl2_gl_init(SDL_Window *win, Error **errp)
{
    gl.win = win;
    if (!sdl2_gl_context(win, errp)) {
        return false;
    }
    SDL_GL_MakeCurrent(win, gl.ctx);
    /* Do not block the main loop on vertical retrace. */
    SDL_GL_SetSwapInterval(0);
    if (!sdl2_gl_program(errp)) {
        return false;
    }
    glGenVertexArrays(1, &gl.vao);
    glBindVertexArray(gl.vao);
    glGenBuffers(1, &gl.vbo);
    glBindBuffer(GL_ARRAY_BUFFER, gl.vbo);
    glBufferData(GL_ARRAY_BUFFER, 16 * sizeof(GLfloat), NULL, GL_DYNAMIC_DRAW);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 4 * sizeof(GLfloat), 0);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, 4 * sizeof(GLfloat),
                          (void *)(2 * sizeof(GLfloat)));
    glEnableVertexAttribArray(0);
    glEnableVertexAttribArray(1);
    return true;
}

static void sdl2_gl_drawable_size(int *w, int *h)
{
    SDL_GL_GetDrawableSize(gl.win, w, h);
}

static GLuint sdl2_gl_texture(GLuint old, int w, int h)
{
    GLuint t = old;

    if (!t) {
        glGenTextures(1, &t);
    }
    glBindTexture(GL_TEXTURE_2D, t);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA,
                 GL_UNSIGNED_BYTE, NULL);
    return t;
}

static void sdl2_gl_guest_resize(int w, int h)
{
    gl.guest = sdl2_gl_texture(gl.guest, w, h);
    gl.gw = w;
    gl.gh = h;
}

static void sdl2_gl_overlay_resize(int w, int h)
{
    gl.overlay = sdl2_gl_texture(gl.overlay, w, h);
    gl.ow = w;
    gl.oh = h;
}

/*
 * Upload @box of a 32-bit pixman image.  Desktop GL takes BGRA directly;
 * ES only takes RGBA, so the bytes go up as they are and the shader swaps
 * red and blue (the "swizzle" uniform).
 */
static void sdl2_gl_upload(GLuint tex, pixman_image_t *src,
                           const pixman_box32_t *box)
{
    int stride = pixman_image_get_stride(src);
    const uint8_t *bits = (const uint8_t *)pixman_image_get_data(src);
    int w = box->x2 - box->x1, h = box->y2 - box->y1;

    if (!tex || w <= 0 || h <= 0) {
        return;
    }
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, stride / 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, box->x1, box->y1, w, h,
                    gl.es ? GL_RGBA : GL_BGRA,
                    gl.es ? GL_UNSIGNED_BYTE : GL_UNSIGNED_INT_8_8_8_8_REV,
                    bits + (size_t)box->y1 * stride + box->x1 * 4);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
}

static void sdl2_gl_guest_update(pixman_image_t *src,
                                 const pixman_box32_t *box)
{
    sdl2_gl_upload(gl.guest, src, box);
}

static void sdl2_gl_overlay_update(pixman_image_t *src,
                                   const pixman_box32_t *box)
{
    sdl2_gl_upload(gl.overlay, src, box);
}

/* Draw @tex over the window rectangle @r (pixels, top-left origin). */
static void sdl2_gl_quad(GLuint tex, const pixman_box32_t *r, int dw, int dh,
                         bool opaque)
{
    GLfloat x1 = 2.0f * r->x1 / dw - 1, x2 = 2.0f * r->x2 / dw - 1;
    GLfloat y1 = 1 - 2.0f * r->y1 / dh, y2 = 1 - 2.0f * r->y2 / dh;
    GLfloat v[16] = {
        x1, y1, 0, 0,   x2, y1, 1, 0,
        x1, y2, 0, 1,   x2, y2, 1, 1,
    };

    glBufferSubData(GL_ARRAY_BUFFER, 0, sizeof(v), v);
    glBindTexture(GL_TEXTURE_2D, tex);
    glUniform1i(gl.u_opaque, opaque);
    glUniform1i(gl.u_swizzle, gl.es);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

static void sdl2_gl_draw(const pixman_box32_t *dst, bool with_overlay)
{
    int dw, dh;
    pixman_box32_t all;

    SDL_GL_GetDrawableSize(gl.win, &dw, &dh);
    if (dw <= 0 || dh <= 0) {
        return;
    }
    all = (pixman_box32_t){ 0, 0, dw, dh };
    glViewport(0, 0, dw, dh);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    glUseProgram(gl.prog);
    glBindVertexArray(gl.vao);
    glBindBuffer(GL_ARRAY_BUFFER, gl.vbo);
    glActiveTexture(GL_TEXTURE0);
    glDisable(GL_BLEND);
    if (gl.guest) {
        sdl2_gl_quad(gl.guest, dst, dw, dh, true);
    }
    if (with_overlay && gl.overlay) {
        glEnable(GL_BLEND);
        glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
        sdl2_gl_quad(gl.overlay, &all, dw, dh, false);
    }
    SDL_GL_SwapWindow(gl.win);
}

static void sdl2_gl_cleanup(void)
{
    if (gl.ctx) {
        GLuint tex[2] = { gl.guest, gl.overlay };

        glDeleteTextures(2, tex);
        glDeleteBuffers(1, &gl.vbo);
        glDeleteVertexArrays(1, &gl.vao);
        if (gl.prog) {
            glDeleteProgram(gl.prog);
        }
        SDL_GL_DeleteContext(gl.ctx);
    }
    memset(&gl, 0, sizeof(gl));
}

const Sdl2Renderer sdl2_renderer_gl = {
    .name = "gl",
    .window_flags = SDL_WINDOW_OPENGL,
    .init = sdl2_gl_init,
    .drawable_size = sdl2_gl_drawable_size,
    .guest_resize = sdl2_gl_guest_resize,
    .guest_update = sdl2_gl_guest_update,
    .overlay_resize = sdl2_gl_overlay_resize,
    .overlay_update = sdl2_gl_overlay_update,
    .draw = sdl2_gl_draw,
    .cleanup = sdl2_gl_cleanup,
};

-- lockstep's language server for Neovim's built-in client (0.7 and later).
-- Put this file on your runtimepath (e.g. ~/.config/nvim/lua/lockstep.lua)
-- and call `require("lockstep").setup()` from your init.lua.
local M = {}

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { "lockstep", "lsp" }
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "markdown",
    callback = function(args)
      local root = vim.fs and vim.fs.dirname(vim.fs.find({ "lockstep.toml", ".git" }, { upward = true, path = vim.api.nvim_buf_get_name(args.buf) })[1] or "")
        or vim.fn.getcwd()
      if root == nil or root == "" then root = vim.fn.getcwd() end
      local id = M.client_id
      if id == nil or vim.lsp.get_client_by_id(id) == nil then
        id = vim.lsp.start_client({
          name = "lockstep",
          cmd = cmd,
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        })
        M.client_id = id
      end
      vim.lsp.buf_attach_client(args.buf, id)
    end,
  })
end

return M

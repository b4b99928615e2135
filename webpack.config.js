// Builds the demo page (www/) into dist/. The Wasm is referenced with
// `new URL(..., import.meta.url)` so webpack copies it as an asset: no
// special loader, no inline base64, works under a strict CSP.
import HtmlWebpackPlugin from 'html-webpack-plugin';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default {
  entry: { main: here('./www/main.js'), embed: here('./www/embed.js') },
  output: {
    path: here('./dist'),
    filename: '[name].[contenthash:8].js',
    assetModuleFilename: 'assets/[name].[contenthash:8][ext]',
    clean: true,
  },
  devtool: false,
  performance: { hints: false },
  plugins: [
    new HtmlWebpackPlugin({ template: here('./www/index.html'), chunks: ['main'], scriptLoading: 'module', inject: 'head' }),
    new HtmlWebpackPlugin({ template: here('./www/embed.html'), filename: 'embed.html', chunks: ['embed'], scriptLoading: 'module', inject: 'head' }),
    new CopyWebpackPlugin({ patterns: [{ from: here('./www/style.css'), to: 'style.css' }] }),
  ],
};
